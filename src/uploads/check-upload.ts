import type { IsoDate } from '../calendar/calendar-date.ts';
import {
  type IngestOptions,
  type IngestResult,
  ingestFiles,
  type SpreadsheetFile,
} from '../ingest/ingest.ts';
import { referralFactsOf } from '../metrics/facts.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import type { Problem } from '../validation/problems.ts';
import { shownLabel } from '../validation/shown-text.ts';
import {
  type ChangedValue,
  compareWithStored,
  referralKey,
  type UploadComparison,
} from './compare-upload.ts';

/**
 * One upload's check, computed once: the files read and validated, then compared with the team's
 * records. What comes out is what the check page shows and what Confirm saves, so neither reads
 * the files or compares again.
 */

/** What the check page lists of the changed records: where each is, and what changed in it. */
export interface ChangedRecordSummary {
  readonly specialist: string;
  readonly referralDate: IsoDate;
  /** The file and row (as the spreadsheet numbers it) the new values come from. */
  readonly file: string;
  readonly row: number;
  /** Spreadsheet headings whose value differs, in template order, each before → after. */
  readonly changes: readonly ChangedValue[];
}

export interface UploadCounts {
  readonly new: number;
  readonly changed: number;
  readonly unchanged: number;
}

/** The check page's contents, and nothing more: kept (sealed) until Confirm or expiry. */
export interface UploadCheckView {
  readonly fileNames: readonly string[];
  /** Every error, with the value as typed so the person can find it; none means it can be saved. */
  readonly errors: readonly Problem[];
  /** Where each warning is and what to do, each with a null value: the page shows none. */
  readonly warnings: readonly Problem[];
  readonly columnsNotRead: readonly string[];
  readonly newSpecialists: readonly string[];
  /** Every specialist's initials in the upload: Confirm adds those the team does not have. */
  readonly specialists: readonly string[];
  readonly recordCount: number;
  /** Null when there are errors: nothing can be saved. */
  readonly counts: UploadCounts | null;
  /** The first CHANGED_RECORDS_SHOWN changed records. */
  readonly changed: readonly ChangedRecordSummary[];
}

/** The check page lists this many changed records; the counts say how many there are in all. */
export const CHANGED_RECORDS_SHOWN = 200;

export interface CheckedUpload {
  readonly ingest: IngestResult;
  /** Null when there are errors. */
  readonly comparison: UploadComparison | null;
  readonly view: UploadCheckView;
  /** Each new or changed record with its facts (`recordToSave`): what Confirm writes, as it is. */
  readonly recordsToSave: readonly string[];
}

/** The team's stored records, each as its JSON text, by key. */
export function storedRecordsByKey(
  storedRecordTexts: readonly string[],
): Map<string, ReferralRecord> {
  const stored = new Map<string, ReferralRecord>();
  for (const text of storedRecordTexts) {
    const record = JSON.parse(text) as ReferralRecord;
    stored.set(referralKey(record), record);
  }
  return stored;
}

/**
 * A new or changed record as Confirm writes it: the record's JSON and its facts' JSON (what the
 * engine derives, docs/FACTS.md), a tab apart (JSON never holds a raw tab). Made where the upload is
 * checked, in a worker thread, so saving derives and builds nothing.
 */
export function recordToSave(record: ReferralRecord): string {
  return `${JSON.stringify(record)}\t${JSON.stringify(referralFactsOf(record))}`;
}

export function checkUpload(
  files: readonly SpreadsheetFile[],
  stored: ReadonlyMap<string, ReferralRecord>,
  options: IngestOptions,
): CheckedUpload {
  const ingest = ingestFiles(files, options);
  const comparison = ingest.hasErrors
    ? null
    : compareWithStored(
        stored,
        ingest.records.map(({ record }) => record),
      );
  const recordsToSave =
    comparison === null
      ? []
      : [...comparison.newRecords, ...comparison.changedRecords.map(({ record }) => record)].map(
          recordToSave,
        );
  return {
    ingest,
    comparison,
    view: checkViewOf(
      ingest,
      comparison,
      files.map((file) => file.name),
    ),
    recordsToSave,
  };
}

export function changedRecordSummaries(
  ingest: IngestResult,
  comparison: UploadComparison | null,
): ChangedRecordSummary[] {
  const changed = comparison?.changedRecords ?? [];
  if (changed.length === 0) return [];
  const placeOf = new Map(
    ingest.records.map(({ record, file, row }) => [referralKey(record), { file, row }]),
  );
  return changed.map(({ record, changes }) => {
    const place = placeOf.get(referralKey(record));
    return {
      specialist: record.specialist,
      referralDate: record.referralDate,
      file: place?.file ?? '',
      row: place?.row ?? 0,
      changes,
    };
  });
}

function checkViewOf(
  ingest: IngestResult,
  comparison: UploadComparison | null,
  fileNames: readonly string[],
): UploadCheckView {
  return {
    fileNames,
    errors: ingest.problems.filter((problem) => problem.severity === 'error'),
    // No value as typed: a cell in the wrong column may hold personal data.
    warnings: ingest.problems
      .filter((problem) => problem.severity === 'warning')
      .map((warning) => ({
        ...warning,
        sheet: warning.sheet === null ? null : shownLabel(warning.sheet),
        value: null,
      })),
    columnsNotRead: [...new Set(ingest.files.flatMap((file) => file.columnsNotRead))],
    newSpecialists: ingest.newSpecialists,
    specialists: ingest.specialists,
    recordCount: ingest.records.length,
    counts:
      comparison === null
        ? null
        : {
            new: comparison.newRecords.length,
            changed: comparison.changedRecords.length,
            unchanged: comparison.unchangedCount,
          },
    changed: changedRecordSummaries(ingest, comparison).slice(0, CHANGED_RECORDS_SHOWN),
  };
}
