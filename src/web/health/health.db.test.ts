import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import { startTestWeb, type TestWeb } from '../../../test/support/test-web.ts';
import { Lifecycle } from '../../application/lifecycle.ts';
import { readiness } from '../../application/readiness.ts';
import { applyMigrations, migrationsFrom } from '../../database/migrations.ts';
import { openPgliteDatabase } from '../../database/pglite-database.ts';

const MIGRATIONS = migrationsFrom([
  { fileName: '0001_first.sql', sql: 'CREATE TABLE first_table (id int)' },
  { fileName: '0002_second.sql', sql: 'CREATE TABLE second_table (id int)' },
]);

for (const testDatabase of testDatabases()) {
  describe(`health probes (${testDatabase.driver})`, () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb(testDatabase);
    });
    after(() => web.close());

    it('is live and ready once migrated, and no longer ready once stopping', async () => {
      const live = await web.app.inject({ url: '/health/live' });
      assert.equal(live.statusCode, 200);
      assert.deepEqual(live.json(), { status: 'live' });
      for (const url of ['/health/ready', '/health']) {
        const ready = await web.app.inject({ url });
        assert.equal(ready.statusCode, 200, url);
        assert.deepEqual(ready.json(), { status: 'ready' });
      }
      web.services.lifecycle.beginStopping();
      const stopping = await web.app.inject({ url: '/health/ready' });
      assert.equal(stopping.statusCode, 503);
      assert.deepEqual(stopping.json(), { status: 'not ready', reason: 'stopping' });
      assert.equal((await web.app.inject({ url: '/health/live' })).statusCode, 200);
    });
  });
}

describe('readiness', () => {
  it('waits for every migration the build knows, then says ready', async () => {
    const database = await openPgliteDatabase(null);
    const context = { database, lifecycle: new Lifecycle() };
    try {
      assert.deepEqual(await readiness(context, MIGRATIONS), {
        ready: false,
        reason: 'migrations not applied: 0001, 0002',
      });
      await applyMigrations(database, MIGRATIONS.slice(0, 1));
      assert.deepEqual(await readiness(context, MIGRATIONS), {
        ready: false,
        reason: 'migrations not applied: 0002',
      });
      await applyMigrations(database, MIGRATIONS);
      assert.deepEqual(await readiness(context, MIGRATIONS), { ready: true });
    } finally {
      await database.close();
    }
  });

  it('is not ready when the database does not answer', async () => {
    const database = await openPgliteDatabase(null);
    await applyMigrations(database, MIGRATIONS);
    await database.close();
    assert.deepEqual(await readiness({ database, lifecycle: new Lifecycle() }, MIGRATIONS), {
      ready: false,
      reason: 'database not answering',
    });
  });
});
