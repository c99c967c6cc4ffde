import {
  type IngestOptions,
  type IngestResult,
  ingestFiles,
  type SpreadsheetFile,
} from '../ingest/ingest.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import type { Problem } from '../validation/problems.ts';
import { shownLabel } from '../validation/shown-text.ts';
import { compareWithStored, type UploadComparison } from './compare-upload.ts';

/** What the check page shows for one upload, and what Confirm saves. */
export interface UploadCheck {
  readonly ingest: IngestResult;
  /** Null when there are errors: nothing can be saved. */
  readonly comparison: UploadComparison | null;
}

export function checkUpload(
  files: readonly SpreadsheetFile[],
  stored: ReadonlyMap<string, ReferralRecord>,
  options: IngestOptions,
): UploadCheck {
  const ingest = ingestFiles(files, options);
  if (ingest.hasErrors) return { ingest, comparison: null };
  return {
    ingest,
    comparison: compareWithStored(
      stored,
      ingest.records.map(({ record }) => record),
    ),
  };
}

/**
 * What is kept between the check page and Confirm: pseudonymised records and what the check page
 * shows of its findings. File names, headings and sheet names come cleaned and cut short; no
 * value as typed is kept, since a cell in the wrong column may hold personal data.
 */
export interface PendingUpload {
  readonly fileNames: readonly string[];
  /** The team's change count the upload was checked against. */
  readonly dataVersion: number;
  readonly records: readonly ReferralRecord[];
  /** Where each warning is and what to do, each with a null value. */
  readonly warnings: readonly Problem[];
  readonly columnsNotRead: readonly string[];
  readonly newSpecialists: readonly string[];
}

export function pendingUploadOf(
  check: UploadCheck,
  fileNames: readonly string[],
  dataVersion: number,
): PendingUpload {
  return {
    fileNames,
    dataVersion,
    records: check.ingest.records.map(({ record }) => record),
    warnings: check.ingest.problems
      .filter((problem) => problem.severity === 'warning')
      .map((warning) => ({
        ...warning,
        sheet: warning.sheet === null ? null : shownLabel(warning.sheet),
        value: null,
      })),
    columnsNotRead: [...new Set(check.ingest.files.flatMap((file) => file.columnsNotRead))],
    newSpecialists: check.ingest.newSpecialists,
  };
}
