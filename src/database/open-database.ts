import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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
    migrate = true,
    onConnectionLost,
  }: { readonly migrate?: boolean } & Pick<PostgresOptions, 'onConnectionLost'> = {},
): Promise<Database> {
  const database =
    settings.databaseUrl !== null
      ? await openPostgresDatabase(settings.databaseUrl, { pool: settings.pool, onConnectionLost })
      : await openPgliteDatabase(settings.dataDirectory);
  if (migrate) await applyMigrations(database, readMigrations());
  return database;
}
