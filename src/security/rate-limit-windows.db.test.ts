import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import type { Database } from '../database/database.ts';
import { applyMigrations } from '../database/migrations.ts';
import { readMigrations } from '../database/open-database.ts';
import { clearEndedWindows, countHit } from './rate-limit-windows.ts';

for (const testDatabase of testDatabases()) {
  describe(`rate-limit windows (${testDatabase.driver})`, () => {
    let database: Database;
    const start = new Date('2026-06-01T10:00:00Z');
    const later = (milliseconds: number) => new Date(start.getTime() + milliseconds);

    before(async () => {
      database = await testDatabase.open();
      await applyMigrations(database, readMigrations());
    });
    after(() => database.close());

    it('counts hits within a window per key, and starts again once it has ended', async () => {
      assert.deepEqual(await countHit(database, 'POST /sign-in 10.0.0.1', start, 60_000), {
        hits: 1,
        ttl: 60_000,
      });
      assert.deepEqual(await countHit(database, 'POST /sign-in 10.0.0.1', later(20_000), 60_000), {
        hits: 2,
        ttl: 40_000,
      });
      assert.deepEqual(await countHit(database, 'POST /sign-in 10.0.0.2', later(20_000), 60_000), {
        hits: 1,
        ttl: 60_000,
      });
      assert.deepEqual(await countHit(database, 'POST /sign-in 10.0.0.1', later(60_000), 60_000), {
        hits: 1,
        ttl: 60_000,
      });
    });

    it('counts a hit in a window another server started with its clock far ahead', async () => {
      const ahead = later(200 * 24 * 3_600_000);
      await countHit(database, 'GET /api/v1/metrics 10.0.0.9', ahead, 60_000);
      // 200 days in milliseconds is more than an int holds: never a database error.
      assert.deepEqual(await countHit(database, 'GET /api/v1/metrics 10.0.0.9', start, 60_000), {
        hits: 2,
        ttl: 200 * 24 * 3_600_000 + 60_000,
      });
      await database.query('DELETE FROM rate_limit_window');
      await countHit(database, 'POST /sign-in 10.0.0.1', later(60_000), 60_000);
    });

    it('stores no key, only its hash, and forgets windows that have ended', async () => {
      const rows = await database.query<{ key_hash: string }>(
        'SELECT key_hash FROM rate_limit_window',
      );
      assert.ok(rows.every((row) => /^[0-9a-f]{64}$/.test(row.key_hash)));
      await clearEndedWindows(database, later(80_000));
      const left = await database.query('SELECT 1 FROM rate_limit_window');
      assert.equal(left.length, 1, 'the window restarted at 60 s ends at 120 s');
    });
  });
}
