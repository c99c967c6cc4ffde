import { hashSecretToken, newSecretToken } from '../accounts/secret-tokens.ts';
import type { Queryable } from '../database/database.ts';

/**
 * Uploads in hand, in table `upload_check`: for the one person who sent them, under a secret check
 * id that only its hash is kept of. Each row says how far its check has got (any server can show
 * that) and, once checked, holds the check sealed for its page and for Confirm.
 */

/**
 * A check waits this long for Confirm; then the person uploads again. Every read refuses an older
 * one, and the sweep deletes it, so no server's timer is owed to correctness.
 */
export const CHECK_KEPT_MINUTES = 60;

/**
 * A check in hand moves at least every few thousand rows; one that has not moved for this long
 * was on a server that stopped, and is said to have stopped.
 */
export const STALLED_MINUTES = 5;

export type WorkingStage = 'reading' | 'checking' | 'saving';
export type UploadCheckStage =
  | WorkingStage
  | 'checked'
  | 'has-errors'
  | 'refused'
  | 'saved'
  | 'data-changed';

const WORKING_STAGES: readonly WorkingStage[] = ['reading', 'checking', 'saving'];

export function isWorking(stage: UploadCheckStage): stage is WorkingStage {
  return (WORKING_STAGES as readonly string[]).includes(stage);
}

const oldestKept = (now: Date) => new Date(now.getTime() - CHECK_KEPT_MINUTES * 60_000);

/** Forgets the checks that waited too long, so abandoned uploads' records are not kept. */
export async function purgeExpiredChecks(database: Queryable, now: Date): Promise<void> {
  // A save under way past the hour is left to finish; one that stopped moving goes too.
  await database.query(
    `DELETE FROM upload_check
      WHERE created_at <= $1 AND (stage NOT IN ('saving', 'saved') OR updated_at <= $1)`,
    [oldestKept(now)],
  );
}

export interface TeamAndPerson {
  readonly teamId: number;
  readonly accountId: number;
}

/** A new check in hand, reading its files; the check id it gives is the only way back to it. */
export async function beginUploadCheck(
  database: Queryable,
  upload: TeamAndPerson & { readonly now: Date },
): Promise<string> {
  const { token, hash } = newSecretToken();
  await database.query(
    `INSERT INTO upload_check (id_hash, team_id, account_id, created_at, updated_at, stage)
     VALUES ($1, $2, $3, $4, $4, 'reading')`,
    [hash, upload.teamId, upload.accountId, upload.now],
  );
  return token;
}

/** Where a check in hand has got to; a check that has finished or stopped is left as it is. */
export async function recordCheckProgress(
  database: Queryable,
  checkId: string,
  progress: { readonly stage: WorkingStage; readonly rowsDone: number; readonly now: Date },
): Promise<void> {
  await database.query(
    `UPDATE upload_check SET stage = $2, rows_done = $3, updated_at = $4
      WHERE id_hash = $1 AND stage IN ('reading', 'checking', 'saving')`,
    [hashSecretToken(checkId), progress.stage, progress.rowsDone, progress.now],
  );
}

export interface FinishedCheck {
  readonly hasErrors: boolean;
  readonly dataVersion: number;
  readonly rowsDone: number;
  readonly rowsToSave: number;
  readonly checkView: Uint8Array;
  readonly recordsToSave: Uint8Array | null;
  readonly now: Date;
}

export async function recordFinishedCheck(
  database: Queryable,
  checkId: string,
  check: FinishedCheck,
): Promise<void> {
  await database.query(
    `UPDATE upload_check
        SET stage = $2, data_version = $3, rows_done = $4, rows_to_save = $5, check_view = $6,
            records_to_save = $7, updated_at = $8
      WHERE id_hash = $1`,
    [
      hashSecretToken(checkId),
      check.hasErrors ? 'has-errors' : 'checked',
      check.dataVersion,
      check.rowsDone,
      check.rowsToSave,
      check.checkView,
      check.recordsToSave,
      check.now,
    ],
  );
}

/** A check that ended without a result to show: why, in words for the person (none of the files). */
export async function recordCheckEnded(
  database: Queryable,
  checkId: string,
  ending: {
    readonly stage: 'refused' | 'data-changed';
    readonly refusal: string | null;
    readonly now: Date;
  },
): Promise<void> {
  await database.query(
    `UPDATE upload_check SET stage = $2, refusal = $3, records_to_save = NULL, updated_at = $4
      WHERE id_hash = $1`,
    [hashSecretToken(checkId), ending.stage, ending.refusal, ending.now],
  );
}

export interface UploadCheckRow {
  readonly stage: UploadCheckStage;
  readonly rowsDone: number;
  readonly rowsToSave: number | null;
  readonly updatedAt: Date;
  readonly refusal: string | null;
  readonly checkView: Uint8Array | null;
  readonly uploadId: number | null;
}

export interface CheckOfPerson extends TeamAndPerson {
  readonly checkId: string;
  readonly now: Date;
}

/** The check this person made for this team, while it has not expired; null otherwise. */
export async function findUploadCheck(
  database: Queryable,
  check: CheckOfPerson,
): Promise<UploadCheckRow | null> {
  const [row] = await database.query<UploadCheckRow>(
    `SELECT stage, rows_done AS "rowsDone", rows_to_save AS "rowsToSave", updated_at AS "updatedAt",
            refusal, check_view AS "checkView", upload_id AS "uploadId"
       FROM upload_check
      WHERE id_hash = $1 AND team_id = $2 AND account_id = $3
        AND (created_at > $4 OR (stage IN ('saving', 'saved') AND updated_at > $4))`,
    [hashSecretToken(check.checkId), check.teamId, check.accountId, oldestKept(check.now)],
  );
  return row ?? null;
}

export interface ClaimedCheck {
  readonly dataVersion: number;
  readonly checkView: Uint8Array;
  readonly recordsToSave: Uint8Array;
}

/**
 * Takes a checked upload for saving: once. A second click of Confirm, or one after the check
 * expired or found errors, claims nothing.
 */
export async function claimCheckForSaving(
  database: Queryable,
  check: CheckOfPerson,
): Promise<ClaimedCheck | null> {
  const [claimed] = await database.query<ClaimedCheck>(
    `UPDATE upload_check SET stage = 'saving', rows_done = 0, updated_at = $5
      WHERE id_hash = $1 AND team_id = $2 AND account_id = $3 AND created_at > $4
        AND stage = 'checked'
      RETURNING data_version AS "dataVersion", check_view AS "checkView",
                records_to_save AS "recordsToSave"`,
    [
      hashSecretToken(check.checkId),
      check.teamId,
      check.accountId,
      oldestKept(check.now),
      check.now,
    ],
  );
  return claimed ?? null;
}

/** Saved, in the saving transaction: the check's address now leads to the upload. */
export async function recordCheckSaved(
  transaction: Queryable,
  checkId: string,
  saved: { readonly uploadId: number; readonly now: Date },
): Promise<void> {
  await transaction.query(
    `UPDATE upload_check SET stage = 'saved', upload_id = $2, records_to_save = NULL, updated_at = $3
      WHERE id_hash = $1`,
    [hashSecretToken(checkId), saved.uploadId, saved.now],
  );
}
