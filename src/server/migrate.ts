import { migrate, openDatabase } from '../database/open-database.ts';
import { configOrExit, openedOrExit } from './config-or-exit.ts';

/**
 * `npm run migrate`: applies the migrations not yet applied and exits, for deployments that
 * migrate once before rolling out servers started with IPS_MIGRATE_ON_START=0.
 */
const config = configOrExit(process.env, 'The migrations cannot run. Fix these settings:');
const database = await openedOrExit(openDatabase(config.database, { migrate: false }));
try {
  const applied = await migrate(database);
  process.stdout.write(
    applied.length === 0
      ? 'The database is up to date: no migration to apply.\n'
      : `Applied migrations ${applied.join(', ')}.\n`,
  );
} finally {
  await database.close();
}
