import { type IsoDate, parseIsoDate } from '../calendar/calendar-date.ts';
import { formatDate } from '../calendar/nhs-dates.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { COLUMNS, isReadColumn } from '../spreadsheet/registry.ts';

/**
 * A re-upload against what the team already has (docs/SPREADSHEET.md, "Re-uploads"): each row is new,
 * changed (naming the changed columns) or unchanged, by its key of client and referral date.
 * Records missing from the upload are kept, so they are not compared at all.
 */

export function referralKey(record: Pick<ReferralRecord, 'clientKey' | 'referralDate'>): string {
  return `${record.clientKey} ${record.referralDate}`;
}

/** One value that differs: under its spreadsheet heading, as stored and as uploaded. */
export interface ChangedValue {
  readonly column: string;
  readonly before: string;
  readonly after: string;
}

export interface ChangedRecord {
  readonly record: ReferralRecord;
  /** Spreadsheet headings whose value differs, in template order. */
  readonly changedColumns: readonly string[];
  /** The same, each with its value before and after. */
  readonly changes: readonly ChangedValue[];
}

export interface UploadComparison {
  readonly newRecords: readonly ReferralRecord[];
  readonly changedRecords: readonly ChangedRecord[];
  readonly unchangedCount: number;
}

type Comparer = { heading: string; read: (record: ReferralRecord) => unknown };

/** One comparer per column that reaches the record; date of birth is compared as its age band. */
const COMPARERS: readonly Comparer[] = COLUMNS.filter(isReadColumn).flatMap(
  (column): Comparer[] => {
    const target = column.target;
    if (target.kind === 'job') {
      return [
        {
          heading: column.heading,
          read: (record) => {
            const job = record.jobs[target.jobNumber - 1];
            return job ? (job as unknown as Record<string, unknown>)[target.field] : undefined;
          },
        },
      ];
    }
    if (target.field === 'dateOfBirth') {
      return [{ heading: 'Age band (from date of birth)', read: (record) => record.ageBand }];
    }
    if (target.field === 'clientId' || target.field === 'referralDate') return [];
    return [
      {
        heading: column.heading,
        read: (record) => (record as unknown as Record<string, unknown>)[target.field],
      },
    ];
  },
);

/** A stored value as the check page shows it: dates NHS style, yes/no in words, blanks say so. */
function shownValue(value: unknown): string {
  if (value === null || value === undefined) return '(blank)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'string' && parseIsoDate(value) !== null)
    return formatDate(value as IsoDate);
  return String(value);
}

export function changedValues(before: ReferralRecord, after: ReferralRecord): ChangedValue[] {
  return COMPARERS.filter(({ read }) => (read(before) ?? null) !== (read(after) ?? null)).map(
    ({ heading, read }) => ({
      column: heading,
      before: shownValue(read(before)),
      after: shownValue(read(after)),
    }),
  );
}

export function changedColumns(before: ReferralRecord, after: ReferralRecord): string[] {
  return changedValues(before, after).map(({ column }) => column);
}

export function compareWithStored(
  stored: ReadonlyMap<string, ReferralRecord>,
  incoming: readonly ReferralRecord[],
): UploadComparison {
  const newRecords: ReferralRecord[] = [];
  const changedRecords: ChangedRecord[] = [];
  let unchangedCount = 0;
  for (const record of incoming) {
    const before = stored.get(referralKey(record));
    if (before === undefined) {
      newRecords.push(record);
      continue;
    }
    const changes = changedValues(before, record);
    if (changes.length === 0) unchangedCount++;
    else
      changedRecords.push({
        record,
        changedColumns: changes.map(({ column }) => column),
        changes,
      });
  }
  return { newRecords, changedRecords, unchangedCount };
}
