import { createHash } from 'node:crypto';
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Queryable } from '../database/database.ts';

/** About one call in this many also clears windows that have ended. */
const CLEAN_UP_EVERY = 200;

/**
 * @fastify/rate-limit's store, kept in the database instead of one app server's memory: app
 * servers hold no state, and a limit must hold however requests are balanced between them.
 */
export function databaseRateLimitStore(
  database: Queryable,
  clock: () => Date,
): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly route: string;
    /** The plugin constructs the first store with its options; each route's child with its path. */
    constructor(route: unknown) {
      this.route = typeof route === 'string' ? route : '';
    }

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow: number,
    ): void {
      const now = clock();
      const keyHash = createHash('sha256').update(`${this.route} ${key}`).digest('hex');
      database
        .query<{ hits: number; ttl: number }>(
          `INSERT INTO rate_limit_window (key_hash, window_ends_at, hits)
           VALUES ($1, $2::timestamptz + $3::int * interval '1 millisecond', 1)
           ON CONFLICT (key_hash) DO UPDATE SET
             hits = CASE WHEN rate_limit_window.window_ends_at <= $2 THEN 1 ELSE rate_limit_window.hits + 1 END,
             window_ends_at = CASE WHEN rate_limit_window.window_ends_at <= $2
                                   THEN EXCLUDED.window_ends_at ELSE rate_limit_window.window_ends_at END
           RETURNING hits, round(extract(epoch FROM window_ends_at - $2) * 1000)::int AS ttl`,
          [keyHash, now, Math.round(timeWindow)],
        )
        .then(async ([row]) => {
          if (Math.random() * CLEAN_UP_EVERY < 1) {
            await database.query('DELETE FROM rate_limit_window WHERE window_ends_at <= $1', [now]);
          }
          callback(null, { current: row?.hits ?? 1, ttl: row?.ttl ?? timeWindow });
        })
        .catch((error: Error) => callback(error));
    }

    child(routeOptions: { method?: unknown; path?: string; url?: string }): FastifyRateLimitStore {
      return new DatabaseRateLimitStore(
        `${String(routeOptions.method)} ${routeOptions.path ?? routeOptions.url ?? ''}`,
      );
    }
  }
  return DatabaseRateLimitStore;
}
