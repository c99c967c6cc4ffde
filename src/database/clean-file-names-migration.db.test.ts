import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabaseWithTeam, testDatabases } from '../../test/support/test-databases.ts';
import type { Database } from './database.ts';
import { applyMigrations } from './migrations.ts';
import { readMigrations } from './open-database.ts';

/** Migration 0012 on rows stored before it: file names as sent, any length, any characters. */
for (const testDatabase of testDatabases()) {
  describe(`cleaning stored file names (${testDatabase.driver})`, () => {
    let database: Database;
    const sent = `Mary\u0007 Jones\u001b\u202e\t${'x'.repeat(200_000)}.csv`;
    const clean = `Mary Jones ${'x'.repeat(89)}`;

    before(async () => {
      const older = await openDatabaseWithTeam(testDatabase, { migratedBefore: '0012' });
      const { teamId, accountId } = older;
      database = older.database;
      await database.query(
        `INSERT INTO upload (team_id, account_id, kind, uploaded_at, file_names)
         VALUES ($1, $2, 'upload', now(), $3), ($1, $2, 'upload', now(), 'plain.xlsx')`,
        [teamId, accountId, `${sent}, second.xlsx`],
      );
      await database.query(
        `INSERT INTO audit_event (at, actor_account_id, action, subject, detail)
         VALUES (now(), $1, 'uploaded data', 'team 1', $2),
                (now(), $1, 'rolled back data', 'team 1', 'to the state after upload 1')`,
        [accountId, `upload 1: 3 new, 0 changed, 5 unchanged (${sent})`],
      );
      await database.query(
        `INSERT INTO pending_upload (id_hash, team_id, account_id, created_at, file_names, payload)
         VALUES ('h', $1, $2, now(), 'a.xlsx', '{}'::jsonb)`,
        [teamId, accountId],
      );
      await applyMigrations(database, readMigrations());
    });
    after(() => database.close());

    it('cleans each name of an upload and cuts it to 100 characters', async () => {
      const rows = await database.query<{ fileNames: string }>(
        'SELECT file_names AS "fileNames" FROM upload ORDER BY id',
      );
      assert.deepEqual(
        rows.map((row) => row.fileNames),
        [`${clean}, second.xlsx`, 'plain.xlsx'],
      );
    });

    it('cleans the names in the audit log, and leaves other entries alone', async () => {
      const rows = await database.query<{ detail: string }>(
        'SELECT detail FROM audit_event ORDER BY id',
      );
      assert.deepEqual(
        rows.map((row) => row.detail),
        [`upload 1: 3 new, 0 changed, 5 unchanged (${clean})`, 'to the state after upload 1'],
      );
    });

    it('drops the checks waiting for Confirm, which kept values as typed', async () => {
      // 0012 emptied the table; 0015 replaced it with sealed checks, none carried over.
      const tables = await database.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_name IN ('pending_upload', 'upload_check')`,
      );
      assert.deepEqual(
        tables.map(({ name }) => name),
        ['upload_check'],
      );
      assert.deepEqual(await database.query('SELECT id_hash FROM upload_check'), []);
    });
  });
}
