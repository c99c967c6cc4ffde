import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import pg from 'pg';
import type { Database } from '../../src/database/database.ts';
import { applyMigrations } from '../../src/database/migrations.ts';
import { readMigrations } from '../../src/database/open-database.ts';
import { openPgliteDatabase } from '../../src/database/pglite-database.ts';
import {
  openPostgresDatabase,
  type PostgresOptions,
} from '../../src/database/postgres-database.ts';

/**
 * For tests: each driver the suite must pass on. PGlite in memory always; PostgreSQL too when
 * DATABASE_URL is set (CI sets it), each database in a schema of its own, dropped on close.
 */
export interface TestDatabase {
  readonly driver: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

const POSTGRES_URL = process.env.DATABASE_URL ?? '';

export const TEST_DATABASES: readonly TestDatabase[] = [
  { driver: 'pglite', open: () => openPgliteDatabase(null) },
  ...(POSTGRES_URL
    ? [{ driver: 'postgres' as const, open: () => openScratchSchema(POSTGRES_URL) }]
    : []),
];

/**
 * The drivers a test file's suites run on. Without DATABASE_URL the PostgreSQL run is a
 * skipped test that says so, instead of vanishing from the output.
 */
export function testDatabases(): readonly TestDatabase[] {
  if (!POSTGRES_URL) {
    test('on PostgreSQL', { skip: 'DATABASE_URL is not set: these tests ran on PGlite only' });
  }
  return TEST_DATABASES;
}

/** A schema of its own in the PostgreSQL database at `databaseUrl`, dropped on close. */
export async function openScratchSchema(
  databaseUrl: string,
  options: PostgresOptions = {},
): Promise<Database> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const database = await openPostgresDatabase(url.toString(), options);
  return {
    ...database,
    async close() {
      await database.query(`DROP SCHEMA ${schema} CASCADE`);
      await database.close();
    },
  };
}

/**
 * A migrated test database holding one service, one team and one account to act as; with
 * `migratedBefore`, migrated only up to that version, to test a migration on older rows.
 */
export async function openDatabaseWithTeam(
  testDatabase: TestDatabase,
  { migratedBefore }: { readonly migratedBefore?: string } = {},
) {
  const database = await testDatabase.open();
  const migrations = readMigrations().filter(
    ({ version }) => migratedBefore === undefined || version < migratedBefore,
  );
  await applyMigrations(database, migrations);
  const [ics] = await database.query<{ id: number }>('SELECT id FROM ics LIMIT 1');
  const [service] = await database.query<{ id: number }>(
    "INSERT INTO service (name) VALUES ('S') RETURNING id",
  );
  const [team] = await database.query<{ id: number }>(
    "INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, 'T') RETURNING id",
    [service?.id ?? 0, ics?.id ?? 0],
  );
  const [account] = await database.query<{ id: number }>(
    "INSERT INTO account (email, name) VALUES ('tl@nhs.net', 'TL') RETURNING id",
  );
  return { database, teamId: team?.id ?? 0, accountId: account?.id ?? 0 };
}

/**
 * A whole PostgreSQL database of its own on the server `serverUrl` names, for a process that
 * runs the service itself; `drop` removes it even while that process still holds connections.
 */
export async function createScratchDatabase(serverUrl: string, prefix: string) {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const address = (database: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  };
  const administer = async (sql: string) => {
    const admin = new pg.Client({ connectionString: address('postgres') });
    await admin.connect();
    try {
      await admin.query(sql);
    } finally {
      await admin.end();
    }
  };
  await administer(`CREATE DATABASE ${name}`);
  return {
    url: address(name),
    drop: () => administer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
