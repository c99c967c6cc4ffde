import type { Database, Queryable } from './database.ts';

/**
 * Plain numbered SQL migrations (`migrations/0001_name.sql`), applied in order at start-up on
 * PGlite and PostgreSQL alike, each in its own transaction, each once. An advisory lock keeps
 * several app servers starting together from applying the same migration twice.
 */

export interface Migration {
  readonly version: string;
  readonly name: string;
  readonly sql: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;
/** Any fixed number: the key of the advisory lock that serialises migrators. */
const MIGRATION_LOCK = 7_274_001;

/** Migrations from `name → SQL` pairs (the files of the migrations folder), in version order. */
export function migrationsFrom(
  files: ReadonlyArray<{ fileName: string; sql: string }>,
): Migration[] {
  return files
    .flatMap(({ fileName, sql }) => {
      const match = MIGRATION_FILE.exec(fileName);
      return match ? [{ version: match[1] ?? '', name: match[2] ?? '', sql }] : [];
    })
    .sort((a, b) => a.version.localeCompare(b.version));
}

/**
 * Waits for any other migrator, with no statement timeout for this transaction: the service's
 * timeout (IPS_DATABASE_STATEMENT_TIMEOUT_SECONDS) is for requests, and a migration rewriting a
 * national table, or a second server waiting its turn, may take longer.
 */
async function takeMigrationLock(transaction: Queryable): Promise<void> {
  await transaction.query('SET LOCAL statement_timeout = 0');
  await transaction.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
}

/** Applies the migrations not yet applied; returns the versions applied now. */
export async function applyMigrations(
  database: Database,
  migrations: readonly Migration[],
): Promise<string[]> {
  await database.transaction(async (transaction) => {
    await takeMigrationLock(transaction);
    await transaction.runScript(
      'CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())',
    );
  });
  const applied: string[] = [];
  for (const migration of migrations) {
    const appliedNow = await database.transaction(async (transaction) => {
      await takeMigrationLock(transaction);
      const done = await transaction.query('SELECT 1 FROM schema_migration WHERE version = $1', [
        migration.version,
      ]);
      if (done.length > 0) return false;
      await transaction.runScript(migration.sql);
      await transaction.query('INSERT INTO schema_migration (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (appliedNow) applied.push(migration.version);
  }
  return applied;
}

/** The versions not yet applied, in order: all of them on a database never migrated. */
export async function pendingMigrations(
  database: Queryable,
  migrations: readonly Migration[],
): Promise<string[]> {
  const [table] = await database.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migration') IS NOT NULL AS exists",
  );
  if (!table?.exists) return migrations.map((migration) => migration.version);
  const rows = await database.query<{ version: string }>('SELECT version FROM schema_migration');
  const applied = new Set(rows.map((row) => row.version));
  return migrations
    .map((migration) => migration.version)
    .filter((version) => !applied.has(version));
}
