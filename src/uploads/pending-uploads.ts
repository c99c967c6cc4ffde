import { hashSecretToken, newSecretToken } from '../accounts/secret-tokens.ts';
import type { Queryable } from '../database/database.ts';
import type { PendingUpload } from './check-upload.ts';

/**
 * Checked uploads waiting for Confirm, in table `pending_upload`: for the one person who checked
 * them, under a secret check id that only its hash is kept of.
 */

/**
 * A check waits this long for Confirm; then the person uploads again. Every read refuses an older
 * one, and the sweep deletes it, so no server's timer is owed to correctness.
 */
export const PENDING_MINUTES = 60;

const oldestKept = (now: Date) => new Date(now.getTime() - PENDING_MINUTES * 60_000);

/** Forgets the checks that waited too long, so abandoned uploads' records are not kept. */
export async function purgeExpiredChecks(database: Queryable, now: Date): Promise<void> {
  await database.query('DELETE FROM pending_upload WHERE created_at <= $1', [oldestKept(now)]);
}

export interface CheckToKeep {
  readonly teamId: number;
  readonly accountId: number;
  readonly pending: PendingUpload;
  readonly now: Date;
}

/** Keeps a check for Confirm; the check id it gives is the only way back to it. */
export async function storePendingUpload(database: Queryable, check: CheckToKeep): Promise<string> {
  const { token, hash } = newSecretToken();
  await database.query(
    `INSERT INTO pending_upload (id_hash, team_id, account_id, created_at, file_names, payload)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
    [
      hash,
      check.teamId,
      check.accountId,
      check.now,
      check.pending.fileNames.join(', '),
      JSON.stringify(check.pending),
    ],
  );
  return token;
}

export interface CheckOfPerson {
  readonly checkId: string;
  readonly teamId: number;
  readonly accountId: number;
  readonly now: Date;
}

/** The check this person made for this team, while it has not expired; null otherwise. */
export async function findPendingUpload(
  database: Queryable,
  check: CheckOfPerson,
): Promise<PendingUpload | null> {
  const [row] = await database.query<{ payload: PendingUpload }>(
    `SELECT payload FROM pending_upload
      WHERE id_hash = $1 AND team_id = $2 AND account_id = $3 AND created_at > $4`,
    [hashSecretToken(check.checkId), check.teamId, check.accountId, oldestKept(check.now)],
  );
  return row?.payload ?? null;
}

/**
 * Takes the check for saving, in the caller's transaction: true once, false for every other
 * attempt (a second click of Confirm waits for the first and then finds it gone).
 */
export async function claimPendingUpload(
  transaction: Queryable,
  checkId: string,
): Promise<boolean> {
  const claimed = await transaction.query(
    'DELETE FROM pending_upload WHERE id_hash = $1 RETURNING 1',
    [hashSecretToken(checkId)],
  );
  return claimed.length === 1;
}
