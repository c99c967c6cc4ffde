import { createHash } from 'node:crypto';
import type { Queryable } from '../database/database.ts';

/**
 * Rate-limit counts, kept in the database instead of one app server's memory: app servers hold
 * no state, and a limit must hold however requests are balanced between them. Keys name who is
 * asking (a client address, an account), so only their hashes are stored.
 */

export interface WindowCount {
  /** Hits in the current window, this one included. */
  readonly hits: number;
  /** Milliseconds until the window ends and the count starts again. */
  readonly ttl: number;
}

/**
 * Counts a hit for `key`, starting a window of `windowMilliseconds` if none is running. The time
 * left is a bigint: a window started by a server whose clock runs ahead must not overflow it.
 */
export async function countHit(
  database: Queryable,
  key: string,
  now: Date,
  windowMilliseconds: number,
): Promise<WindowCount> {
  const keyHash = createHash('sha256').update(key).digest('hex');
  const [row] = await database.query<WindowCount>(
    `INSERT INTO rate_limit_window (key_hash, window_ends_at, hits)
     VALUES ($1, $2::timestamptz + $3::int * interval '1 millisecond', 1)
     ON CONFLICT (key_hash) DO UPDATE SET
       hits = CASE WHEN rate_limit_window.window_ends_at <= $2 THEN 1 ELSE rate_limit_window.hits + 1 END,
       window_ends_at = CASE WHEN rate_limit_window.window_ends_at <= $2
                             THEN EXCLUDED.window_ends_at ELSE rate_limit_window.window_ends_at END
     RETURNING hits, round(extract(epoch FROM window_ends_at - $2) * 1000)::bigint AS ttl`,
    [keyHash, now, Math.round(windowMilliseconds)],
  );
  return row ?? { hits: 1, ttl: windowMilliseconds };
}

/** Forgets the windows that have ended (their keys would start again at one anyway). */
export async function clearEndedWindows(database: Queryable, now: Date): Promise<void> {
  await database.query('DELETE FROM rate_limit_window WHERE window_ends_at <= $1', [now]);
}
