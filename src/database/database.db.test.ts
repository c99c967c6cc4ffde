import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import { databaseAnswers, type Queryable, SESSION_SETTINGS } from './database.ts';
import { applyMigrations, migrationsFrom } from './migrations.ts';
import { readMigrations } from './open-database.ts';

for (const { driver, open } of testDatabases()) {
  describe(`database on ${driver}`, () => {
    test('migrations apply once: 7 NHS England regions plus "Other", and 42 ICSs', async () => {
      const database = await open();
      try {
        const migrations = readMigrations();
        assert.deepEqual(
          await applyMigrations(database, migrations),
          migrations.map((migration) => migration.version),
        );
        assert.deepEqual(await applyMigrations(database, migrations), []);
        const regions = await database.query<{
          name: string;
          nhs_england_funded: boolean;
          icss: number;
        }>(
          'SELECT region.name, region.nhs_england_funded, count(ics.id) AS icss FROM region LEFT JOIN ics ON ics.region_id = region.id GROUP BY region.id ORDER BY region.id',
        );
        assert.equal(regions.length, 8);
        assert.equal(
          regions.reduce((sum, region) => sum + region.icss, 0),
          42,
        );
        assert.deepEqual(regions.at(-1), {
          name: 'Other (not NHS England funded)',
          nhs_england_funded: false,
          icss: 0,
        });
        // ICSs per region as in the NHS England regions and ICBs list (migration 0001).
        assert.deepEqual(
          regions
            .slice(0, 7)
            .map((region) => [region.name, region.icss, region.nhs_england_funded]),
          [
            ['North East and Yorkshire', 4, true],
            ['North West', 3, true],
            ['Midlands', 11, true],
            ['East of England', 6, true],
            ['London', 5, true],
            ['South East', 6, true],
            ['South West', 7, true],
          ],
        );
      } finally {
        await database.close();
      }
    });

    test('both drivers return dates as YYYY-MM-DD strings and counts and numerics as numbers', async () => {
      const database = await open();
      try {
        const [row] = await database.query<{ day: unknown; total: unknown; share: unknown }>(
          "SELECT DATE '2024-03-31' AS day, count(*) AS total, 0.25::numeric AS share FROM (VALUES (1), (2)) AS v(x)",
        );
        assert.deepEqual(row, { day: '2024-03-31', total: 2, share: 0.25 });
      } finally {
        await database.close();
      }
    });

    test("every connection counts with the figures' settings", async () => {
      const database = await open();
      try {
        const shown = async (on: Queryable = database) =>
          (await on.query<{ work_mem: string }>('SHOW work_mem'))[0]?.work_mem;
        // Several at once, so a pool opens more than one connection.
        assert.deepEqual(
          await Promise.all([shown(), shown(), shown(), database.transaction(shown)]),
          Array(4).fill(SESSION_SETTINGS.work_mem),
        );
      } finally {
        await database.close();
      }
    });

    test('a transaction is all or nothing', async () => {
      const database = await open();
      try {
        await database.runScript('CREATE TABLE upload_probe (n integer NOT NULL)');
        await assert.rejects(
          database.transaction(async (transaction) => {
            await transaction.query('INSERT INTO upload_probe (n) VALUES ($1)', [1]);
            await transaction.query('INSERT INTO upload_probe (n) VALUES ($1)', [null]);
          }),
        );
        assert.deepEqual(await database.query('SELECT n FROM upload_probe'), []);
        await database.transaction((transaction) =>
          transaction.query('INSERT INTO upload_probe (n) VALUES ($1)', [2]),
        );
        assert.deepEqual(await database.query('SELECT n FROM upload_probe'), [{ n: 2 }]);
      } finally {
        await database.close();
      }
    });

    test('migrators starting together apply each migration once', async () => {
      const database = await open();
      try {
        const migrations = migrationsFrom([
          { fileName: '0001_first.sql', sql: 'CREATE TABLE first_table (id integer)' },
          {
            fileName: '0002_second.sql',
            sql: 'CREATE TABLE second_table (id integer); INSERT INTO second_table VALUES (1);',
          },
          { fileName: 'README.md', sql: 'not a migration' },
        ]);
        const [one, two] = await Promise.all([
          applyMigrations(database, migrations),
          applyMigrations(database, migrations),
        ]);
        assert.deepEqual([...(one ?? []), ...(two ?? [])].sort(), ['0001', '0002']);
        assert.deepEqual(await database.query('SELECT id FROM second_table'), [{ id: 1 }]);
      } finally {
        await database.close();
      }
    });

    test('answers the health check while open, and not once closed', async () => {
      const database = await open();
      assert.equal(await databaseAnswers(database), true);
      await database.close();
      assert.equal(await databaseAnswers(database), false);
    });
  });
}
