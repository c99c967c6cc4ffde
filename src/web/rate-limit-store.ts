import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { z } from 'zod';
import type { Queryable } from '../database/database.ts';
import { clearEndedWindows, countHit } from '../security/rate-limit-windows.ts';

// A route that could not be named would share a counter, letting one route use up another's limit.
const LIMITED_ROUTE = z.object({
  routeInfo: z.object({ method: z.union([z.string(), z.array(z.string())]), url: z.string() }),
});

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

    /**
     * The plugin passes each limited route's merged limit options, the route itself under
     * `routeInfo` (its type declaration says otherwise): the counter is that route's own.
     */
    child(options: unknown): FastifyRateLimitStore {
      const { method, url } = LIMITED_ROUTE.parse(options).routeInfo;
      return new DatabaseRateLimitStore(`${[method].flat().join(',')} ${url}`);
    }
  }
  return DatabaseRateLimitStore;
}
