import type { Queryable } from '../database/database.ts';
import { type FactsDeriver, rewriteFacts, writeFacts } from '../facts/fact-store.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { recordToSave, type UploadCounts } from './check-upload.ts';
import { referralKey, type UploadComparison } from './compare-upload.ts';

/** The team's records now, by key. */
export async function storedRecords(
  database: Queryable,
  teamId: number,
): Promise<Map<string, ReferralRecord>> {
  const rows = await database.query<{ record: ReferralRecord }>(
    'SELECT record FROM referral_record WHERE team_id = $1',
    [teamId],
  );
  return new Map(rows.map(({ record }) => [referralKey(record), record]));
}

/** The team's records now, each as JSON text: a check's worker thread parses them, not the loop. */
export async function storedRecordTexts(database: Queryable, teamId: number): Promise<string[]> {
  const rows = await database.query<{ record: string }>(
    'SELECT record::text AS record FROM referral_record WHERE team_id = $1',
    [teamId],
  );
  return rows.map(({ record }) => record);
}

/** What an upload writes: its counts, and each new or changed record (`recordToSave`). */
export interface RecordsToSave {
  readonly counts: UploadCounts;
  readonly records: readonly string[];
}

export function recordsToSaveOf(comparison: UploadComparison): RecordsToSave {
  return {
    counts: {
      new: comparison.newRecords.length,
      changed: comparison.changedRecords.length,
      unchanged: comparison.unchangedCount,
    },
    records: [
      ...comparison.newRecords,
      ...comparison.changedRecords.map(({ record }) => record),
    ].map(recordToSave),
  };
}

export interface SaveUpload extends RecordsToSave {
  readonly teamId: number;
  readonly accountId: number;
  readonly fileNames: readonly string[];
  readonly now: Date;
  /** Told how many records are written so far, for the progress page. */
  readonly onRecordsSaved?: (saved: number) => void;
}

/** Records per statement: a large upload is a few hundred round trips, none of them huge. */
const RECORDS_PER_STATEMENT = 1_000;

/**
 * Saves a checked upload: its history row, a version of every new or changed record, and the
 * team's current records. Call inside a transaction: all of it or none. The records go as the
 * JSON they were checked as, so nothing here parses or builds them again.
 */
export async function saveUpload(database: Queryable, upload: SaveUpload): Promise<number> {
  const { counts, records } = upload;
  const [row] = await database.query<{ id: number }>(
    `INSERT INTO upload (team_id, account_id, kind, uploaded_at, file_names, new_count, changed_count, unchanged_count)
     VALUES ($1, $2, 'upload', $3, $4, $5, $6, $7) RETURNING id`,
    [
      upload.teamId,
      upload.accountId,
      upload.now,
      upload.fileNames.join(', '),
      counts.new,
      counts.changed,
      counts.unchanged,
    ],
  );
  const uploadId = row?.id;
  if (uploadId === undefined) throw new Error('INSERT … RETURNING gave no row');
  for (let start = 0; start < records.length; start += RECORDS_PER_STATEMENT) {
    const lines = records.slice(start, start + RECORDS_PER_STATEMENT);
    const tabs = lines.map((line) => line.indexOf('\t'));
    const batch = `[${lines.map((line, index) => line.slice(0, tabs[index])).join(',')}]`;
    await database.query(
      `INSERT INTO referral_version (upload_id, client_key, referral_date, record)
       SELECT $1, r->>'clientKey', (r->>'referralDate')::date, r FROM jsonb_array_elements($2::jsonb) r`,
      [uploadId, batch],
    );
    await database.query(
      // The current record is the version just written: referral names it, the JSON is stored once.
      `INSERT INTO referral (team_id, client_key, referral_date, specialist, upload_id)
       SELECT $1, r->>'clientKey', (r->>'referralDate')::date, r->>'specialist', $2
         FROM jsonb_array_elements($3::jsonb) r
       ON CONFLICT (team_id, client_key, referral_date)
       DO UPDATE SET specialist = EXCLUDED.specialist, upload_id = EXCLUDED.upload_id`,
      [upload.teamId, uploadId, batch],
    );
    await writeFacts(
      database,
      upload.teamId,
      lines.map((line, index) => line.slice((tabs[index] ?? 0) + 1)),
    );
    upload.onRecordsSaved?.(Math.min(records.length, start + RECORDS_PER_STATEMENT));
  }
  await recountRecords(database, upload.teamId);
  return uploadId;
}

/** Keeps `team.record_count` true: called by every change to a team's records. */
async function recountRecords(database: Queryable, teamId: number): Promise<void> {
  await database.query(
    'UPDATE team SET record_count = (SELECT count(*) FROM referral WHERE team_id = $1) WHERE id = $1',
    [teamId],
  );
}

/** How many records the team has now, as its upload page says. */
export async function teamRecordCount(database: Queryable, teamId: number): Promise<number> {
  const [row] = await database.query<{ records: number }>(
    'SELECT count(*)::int AS records FROM referral WHERE team_id = $1',
    [teamId],
  );
  return row?.records ?? 0;
}

export interface TeamRecord {
  readonly id: number;
  readonly record: ReferralRecord;
}

/** One of the team's records now; null when the team has no record of that id. */
export async function findTeamRecord(
  database: Queryable,
  teamId: number,
  referralId: number,
): Promise<TeamRecord | null> {
  const [row] = await database.query<TeamRecord>(
    'SELECT id, record FROM referral_record WHERE id = $1 AND team_id = $2',
    [referralId, teamId],
  );
  return row ?? null;
}

/** The team's count of changes to its records, as an upload is checked against it. */
export async function teamDataVersion(database: Queryable, teamId: number): Promise<number> {
  const [row] = await database.query<{ version: number }>(
    'SELECT data_version AS version FROM team WHERE id = $1',
    [teamId],
  );
  return row?.version ?? 0;
}

/**
 * Takes the team's records for this transaction (another change waits for it to end) and counts
 * the change. False, changing nothing, when they changed since `seenVersion` (null: no check).
 */
export async function takeTeamData(
  transaction: Queryable,
  teamId: number,
  seenVersion: number | null,
): Promise<boolean> {
  const [row] = await transaction.query<{ version: number }>(
    'SELECT data_version AS version FROM team WHERE id = $1 FOR UPDATE',
    [teamId],
  );
  if (row === undefined || (seenVersion !== null && row.version !== seenVersion)) return false;
  await transaction.query('UPDATE team SET data_version = data_version + 1 WHERE id = $1', [
    teamId,
  ]);
  return true;
}

/** Removes one record entered in error, as an entry in the history (so a roll-back restores it). */
export async function removeRecord(
  database: Queryable,
  teamId: number,
  referralId: number,
  accountId: number,
  now: Date,
): Promise<boolean> {
  const [found] = await database.query<{ clientKey: string; referralDate: string }>(
    `SELECT client_key AS "clientKey", referral_date AS "referralDate" FROM referral WHERE id = $1 AND team_id = $2`,
    [referralId, teamId],
  );
  if (found === undefined) return false;
  const [upload] = await database.query<{ id: number }>(
    `INSERT INTO upload (team_id, account_id, kind, uploaded_at, removed_count)
     VALUES ($1, $2, 'removal', $3, 1) RETURNING id`,
    [teamId, accountId, now],
  );
  await database.query(
    'INSERT INTO referral_version (upload_id, client_key, referral_date, record) VALUES ($1, $2, $3, NULL)',
    [upload?.id ?? 0, found.clientKey, found.referralDate],
  );
  await database.query('DELETE FROM referral WHERE id = $1', [referralId]);
  await recountRecords(database, teamId);
  return true;
}

/** The newest version of each of the team's records among the uploads up to `uploadId`. */
const RECORDS_AFTER_UPLOAD = `
  SELECT DISTINCT ON (v.client_key, v.referral_date) v.client_key, v.referral_date, v.record, v.upload_id
    FROM referral_version v JOIN upload u ON u.id = v.upload_id
   WHERE u.team_id = $1 AND u.rolled_back_at IS NULL AND u.id <= $2
   ORDER BY v.client_key, v.referral_date, v.upload_id DESC`;

/** How many records the team would have, rolled back to the state after `uploadId`. */
export async function recordCountAfterUpload(
  database: Queryable,
  teamId: number,
  uploadId: number,
): Promise<number> {
  const [row] = await database.query<{ records: number }>(
    `SELECT count(*)::int AS records FROM (${RECORDS_AFTER_UPLOAD}) newest WHERE record IS NOT NULL`,
    [teamId, uploadId],
  );
  return row?.records ?? 0;
}

/**
 * Rolls the team back to the state just after `uploadId`: later uploads stop counting (they stay
 * in the history, marked), and each record those uploads added, changed or removed is put back as
 * its newest version that remains. Only those records' facts are derived again: the others keep
 * their rows, and facts depend on nothing but the record.
 */
export async function rollBackTo(
  database: Queryable,
  teamId: number,
  uploadId: number,
  accountId: number,
  now: Date,
  deriveFacts: FactsDeriver,
): Promise<boolean> {
  const [target] = await database.query(
    'SELECT 1 FROM upload WHERE id = $1 AND team_id = $2 AND rolled_back_at IS NULL',
    [uploadId, teamId],
  );
  if (target === undefined) return false;
  await database.query(
    `UPDATE upload SET rolled_back_at = $3, rolled_back_by = $4
      WHERE team_id = $1 AND id > $2 AND rolled_back_at IS NULL`,
    [teamId, uploadId, now, accountId],
  );
  // A current record whose version is not the newest that remains goes, and its facts with it.
  await database.query(
    `WITH newest AS MATERIALIZED (${RECORDS_AFTER_UPLOAD})
     DELETE FROM referral r
      WHERE r.team_id = $1
        AND NOT EXISTS (
          SELECT 1 FROM newest
           WHERE newest.record IS NOT NULL AND newest.client_key = r.client_key
             AND newest.referral_date = r.referral_date AND newest.upload_id = r.upload_id)`,
    [teamId, uploadId],
  );
  const restored = await database.query<{ id: number }>(
    `INSERT INTO referral (team_id, client_key, referral_date, specialist, upload_id)
     SELECT $1, client_key, referral_date, record->>'specialist', upload_id
       FROM (${RECORDS_AFTER_UPLOAD}) newest
      WHERE record IS NOT NULL
     ON CONFLICT (team_id, client_key, referral_date) DO NOTHING
     RETURNING id`,
    [teamId, uploadId],
  );
  await rewriteFacts(
    database,
    teamId,
    restored.map(({ id }) => id),
    deriveFacts,
  );
  await recountRecords(database, teamId);
  return true;
}

export interface UploadHistoryEntry {
  readonly id: number;
  readonly kind: 'upload' | 'removal';
  readonly uploadedAt: Date;
  readonly uploadedBy: string | null;
  readonly fileNames: string;
  readonly newCount: number;
  readonly changedCount: number;
  readonly unchangedCount: number;
  readonly removedCount: number;
  readonly rolledBackAt: Date | null;
}

export function uploadHistory(database: Queryable, teamId: number): Promise<UploadHistoryEntry[]> {
  return database.query<UploadHistoryEntry>(
    `SELECT u.id, u.kind, u.uploaded_at AS "uploadedAt", a.name AS "uploadedBy", u.file_names AS "fileNames",
            u.new_count AS "newCount", u.changed_count AS "changedCount",
            u.unchanged_count AS "unchangedCount", u.removed_count AS "removedCount",
            u.rolled_back_at AS "rolledBackAt"
       FROM upload u LEFT JOIN account a ON a.id = u.account_id
      WHERE u.team_id = $1 ORDER BY u.id DESC`,
    [teamId],
  );
}
