import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeMissingFacts } from '../facts/fact-store.ts';
import type { Database } from './database.ts';
import { applyMigrations, type Migration, migrationsFrom } from './migrations.ts';
import { openPgliteDatabase } from './pglite-database.ts';
import {
  openPostgresDatabase,
  type PostgresOptions,
  type PostgresPoolSettings,
} from './postgres-database.ts';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations/', import.meta.url));

export function readMigrations(folder = MIGRATIONS_FOLDER): Migration[] {
  return migrationsFrom(
    readdirSync(folder).map((fileName) => ({
      fileName,
      sql: readFileSync(`${folder}${fileName}`, 'utf8'),
    })),
  );
}

/**
 * Applies the migrations not yet applied, then derives the facts of any records saved before
 * there were facts (migration 0016): the figures are counted from them. The versions applied now.
 */
export async function migrate(database: Database): Promise<string[]> {
  const applied = await applyMigrations(database, readMigrations());
  await writeMissingFacts(database);
  return applied;
}

export interface DatabaseSettings {
  /** PostgreSQL when set; otherwise the embedded PGlite. */
  readonly databaseUrl: string | null;
  /** PGlite's folder; null keeps it in memory (tests). */
  readonly dataDirectory: string | null;
  /** PostgreSQL's connections; the defaults when not given. */
  readonly pool?: PostgresPoolSettings;
}

/**
 * The database the settings name, with every migration applied unless `migrate` is false (a
 * deployment that runs `npm run migrate` before rolling out; readiness then waits for it).
 */
export async function openDatabase(
  settings: DatabaseSettings,
  {
    migrate: migrateOnOpen = true,
    onConnectionLost,
  }: { readonly migrate?: boolean } & Pick<PostgresOptions, 'onConnectionLost'> = {},
): Promise<Database> {
  const database =
    settings.databaseUrl !== null
      ? await openPostgresDatabase(settings.databaseUrl, { pool: settings.pool, onConnectionLost })
      : await openPgliteDatabase(settings.dataDirectory);
  if (migrateOnOpen) await migrate(database);
  return database;
}
