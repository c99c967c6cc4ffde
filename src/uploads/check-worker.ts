import type { MessagePort } from 'node:worker_threads';
import type { IsoDate } from '../calendar/calendar-date.ts';
import type { IngestProgress, SpreadsheetFile } from '../ingest/ingest.ts';
import { factsOfRecordTexts } from '../metrics/facts.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import { ReferralSourceList, type ServiceReferralSource } from '../spreadsheet/referral-sources.ts';
import type { Problem } from '../validation/problems.ts';
import {
  type ChangedRecordSummary,
  changedRecordSummaries,
  checkUpload,
  storedRecordsByKey,
  type UploadCheckView,
} from './check-upload.ts';
import { sealText } from './sealed-check.ts';

/**
 * One upload's check in a worker thread of the pool (`check-pool.ts`): the CPU-heavy part of an
 * upload, kept off the event loop that answers everyone. Everything in and out is plain data.
 */

export interface CheckTask {
  readonly files: readonly SpreadsheetFile[];
  /** The team's stored records as JSON text, compared with in the worker. */
  readonly storedRecords: readonly string[];
  readonly pseudonymisationSecret: string;
  readonly today: IsoDate;
  readonly knownSpecialists: readonly string[];
  readonly referralSources: readonly ServiceReferralSource[];
  /** Where the progress reports go. */
  readonly progress: MessagePort;
  /** Set for a check kept for its page: the result comes back sealed under this id. */
  readonly sealFor: string | null;
}

/** Rows done in the stage now; `saving` is Confirm's, reported by the use case. */
export type CheckProgress =
  | IngestProgress
  | { readonly stage: 'saving'; readonly rowsDone: number };

export interface SealedCheck {
  readonly kind: 'sealed';
  readonly hasErrors: boolean;
  readonly recordCount: number;
  /** The new and changed records: what Confirm writes. */
  readonly rowsToSave: number;
  readonly view: Uint8Array;
  /** The new and changed records' JSON, one per line; null with errors. */
  readonly records: Uint8Array | null;
}

/** The whole check, for the API, which answers at once and keeps nothing. */
export interface OpenCheck {
  readonly kind: 'open';
  readonly view: UploadCheckView;
  /** Every problem with its value as typed, warnings included: the API's caller sent them. */
  readonly problems: readonly Problem[];
  /** Every changed record, not only the page's first ones. */
  readonly changed: readonly ChangedRecordSummary[];
  readonly recordsToSave: readonly string[];
}

/** The facts' JSON of records given as JSON text (a roll-back's): `deriveFacts` in the pool. */
export function deriveFacts({
  recordTexts,
}: {
  readonly recordTexts: readonly string[];
}): string[] {
  return factsOfRecordTexts(recordTexts);
}

export default function runCheckTask(task: CheckTask): SealedCheck | OpenCheck {
  const report = (progress: CheckProgress) => task.progress.postMessage(progress);
  const checked = checkUpload(task.files, storedRecordsByKey(task.storedRecords), {
    clientKeyOf: clientKeyHasher(task.pseudonymisationSecret),
    today: task.today,
    knownSpecialists: new Set(task.knownSpecialists),
    referralSources: new ReferralSourceList(task.referralSources),
    onProgress: report,
  });
  if (task.sealFor === null) {
    return {
      kind: 'open',
      view: checked.view,
      problems: checked.ingest.problems,
      changed: changedRecordSummaries(checked.ingest, checked.comparison),
      recordsToSave: checked.recordsToSave,
    };
  }
  return {
    kind: 'sealed',
    hasErrors: checked.comparison === null,
    recordCount: checked.view.recordCount,
    rowsToSave: checked.recordsToSave.length,
    view: sealText(task.sealFor, JSON.stringify(checked.view)),
    records:
      checked.comparison === null ? null : sealText(task.sealFor, checked.recordsToSave.join('\n')),
  };
}
