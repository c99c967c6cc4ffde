import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { openScratchSchema, testDatabases } from '../../test/support/test-databases.ts';
import { startTestWeb, type TestWeb } from '../../test/support/test-web.ts';
import { applyMigrations } from './migrations.ts';

const POSTGRES_URL = process.env.DATABASE_URL ?? '';

/**
 * What a PostgreSQL restart, a failover or a proxy's idle timeout does to the pool: its
 * connections are ended from the server side. The service must keep answering.
 */
for (const { driver } of testDatabases()) {
  describe(`lost database connections on ${driver}`, {
    skip: driver === 'pglite' ? 'PGlite is in the process: it has no connections to lose' : false,
  }, () => {
    // Its own application_name, so the test ends this pool's connections and nobody else's.
    const applicationName = `ips-test-${randomBytes(6).toString('hex')}`;
    const lost: Error[] = [];
    let web: TestWeb;
    let admin: pg.Client;

    const terminateConnections = async () => {
      const [row] = (
        await admin.query<{ ended: number }>(
          'SELECT count(pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        )
      ).rows;
      // The pool hears of it a moment later, when each socket closes.
      for (let wait = 0; wait < 50 && lost.length < (row?.ended ?? 0); wait++) await sleep(20);
      return row?.ended ?? 0;
    };

    before(async () => {
      const url = new URL(POSTGRES_URL);
      url.searchParams.set('application_name', applicationName);
      web = await startTestWeb({
        driver: 'postgres',
        open: () =>
          openScratchSchema(url.toString(), { onConnectionLost: (error) => lost.push(error) }),
      });
      admin = new pg.Client({ connectionString: POSTGRES_URL });
      await admin.connect();
    });
    after(async () => {
      await admin.end();
      await web.close();
    });

    it('keeps answering after its idle connections are ended', async () => {
      // Several requests at once leave several idle connections in the pool.
      const first = await Promise.all(
        Array.from({ length: 6 }, () => web.app.inject('/health/ready')),
      );
      assert.deepEqual(
        first.map((response) => response.statusCode),
        [200, 200, 200, 200, 200, 200],
      );
      const ended = await terminateConnections();
      assert.ok(ended >= 2, `expected several idle connections, ended ${ended}`);
      assert.equal(lost.length, ended, 'each lost connection reported');
      assert.ok(lost.every((error) => !error.message.includes(POSTGRES_URL)));
      const next = await Promise.all(
        Array.from({ length: 6 }, () => web.app.inject('/health/ready')),
      );
      assert.deepEqual(
        next.map((response) => response.statusCode),
        [200, 200, 200, 200, 200, 200],
      );
      assert.equal((await web.browser().get('/sign-in')).statusCode, 200);
    });

    it('holds its connections to the pool size and statements to the timeout', async () => {
      const database = await openScratchSchema(POSTGRES_URL, {
        pool: { size: 2, connectTimeoutSeconds: 5, statementTimeoutSeconds: 1 },
      });
      try {
        assert.deepEqual(await database.query('SHOW statement_timeout'), [
          { statement_timeout: '1s' },
        ]);
        await assert.rejects(database.query('SELECT pg_sleep(3)'), { code: '57014' });
        const backends = await Promise.all(
          Array.from({ length: 5 }, () =>
            database.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.1)'),
          ),
        );
        assert.ok(new Set(backends.map(([row]) => row?.pid)).size <= 2);
        // Migrations are not requests: one longer than the timeout still applies.
        const slow = { version: '9001', name: 'slow', sql: 'SELECT pg_sleep(1.5)' };
        assert.deepEqual(await applyMigrations(database, [slow]), ['9001']);
      } finally {
        await database.close();
      }
    });

    it('fails only the transaction whose connection is ended, and serves the next', async () => {
      lost.length = 0;
      const transaction = web.database.transaction(async (queries) => {
        await queries.query('SELECT 1');
        await terminateConnections();
        return queries.query('SELECT 1');
      });
      await assert.rejects(transaction);
      assert.ok(lost.length >= 1);
      assert.deepEqual(await web.database.query('SELECT 1 AS answer'), [{ answer: 1 }]);
      assert.equal(
        await web.database.transaction(async (queries) => {
          const [row] = await queries.query<{ answer: number }>('SELECT 2 AS answer');
          return row?.answer;
        }),
        2,
      );
    });
  });
}
