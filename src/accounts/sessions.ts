import type { Queryable } from '../database/database.ts';
import { hashSecretToken, newSecretToken } from './secret-tokens.ts';

export interface SessionState {
  readonly accountId: number;
  /** Password accepted, TOTP code still to come: such a session reaches only that page. */
  readonly secondFactorPending: boolean;
}

/** A new session; the token goes in the cookie, its hash in the database. */
export async function startSession(
  database: Queryable,
  state: SessionState,
  now: Date,
): Promise<string> {
  const { token, hash } = newSecretToken();
  await database.query(
    `INSERT INTO session (id_hash, account_id, second_factor_pending, created_at, last_seen_at)
     VALUES ($1, $2, $3, $4, $4)`,
    [hash, state.accountId, state.secondFactorPending, now],
  );
  return token;
}

/**
 * The session the cookie names, if it has been used within the idle limit; using it keeps it
 * alive. An expired session is deleted, so its cookie can never come back.
 */
export async function resumeSession(
  database: Queryable,
  token: string,
  now: Date,
  idleMinutes: number,
): Promise<SessionState | null> {
  const hash = hashSecretToken(token);
  const idleSince = new Date(now.getTime() - idleMinutes * 60_000);
  const [session] = await database.query<SessionState & { expired: boolean }>(
    `UPDATE session SET last_seen_at = CASE WHEN last_seen_at >= $2 THEN $3 ELSE last_seen_at END
      WHERE id_hash = $1
      RETURNING account_id AS "accountId", second_factor_pending AS "secondFactorPending",
                last_seen_at < $2 AS expired`,
    [hash, idleSince, now],
  );
  if (session === undefined) return null;
  if (session.expired) {
    await endSession(database, token);
    return null;
  }
  return { accountId: session.accountId, secondFactorPending: session.secondFactorPending };
}

export async function endSession(database: Queryable, token: string): Promise<void> {
  await database.query('DELETE FROM session WHERE id_hash = $1', [hashSecretToken(token)]);
}

/** Signs the account out on every device. */
export async function endAllSessions(database: Queryable, accountId: number): Promise<void> {
  await database.query('DELETE FROM session WHERE account_id = $1', [accountId]);
}
