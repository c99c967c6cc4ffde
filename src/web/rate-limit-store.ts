import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { Queryable } from '../database/database.ts';
import { clearEndedWindows, countHit } from '../security/rate-limit-windows.ts';

/** About one call in this many also clears windows that have ended. */
const CLEAN_UP_EVERY = 200;

/**
 * @fastify/rate-limit's store, counting in the database (rate-limit-windows.ts), so a limit holds
 * across every app server.
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
      countHit(database, `${this.route} ${key}`, now, timeWindow)
        .then(async ({ hits, ttl }) => {
          if (Math.random() * CLEAN_UP_EVERY < 1) await clearEndedWindows(database, now);
          callback(null, { current: hits, ttl });
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
