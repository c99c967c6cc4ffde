import { databaseAnswers } from '../database/database.ts';
import { type Migration, pendingMigrations } from '../database/migrations.ts';
import type { AppContext } from './context.ts';

export type Readiness =
  | { readonly ready: true }
  | { readonly ready: false; readonly reason: string };

/**
 * Whether this server should be sent requests: it is not stopping, its database answers, and
 * every migration it was built with has been applied (by itself or by `npm run migrate`).
 */
export async function readiness(
  context: Pick<AppContext, 'database' | 'lifecycle'>,
  migrations: readonly Migration[],
): Promise<Readiness> {
  if (context.lifecycle.stopping) return { ready: false, reason: 'stopping' };
  if (!(await databaseAnswers(context.database))) {
    return { ready: false, reason: 'database not answering' };
  }
  const pending = await pendingMigrations(context.database, migrations);
  if (pending.length > 0) {
    return { ready: false, reason: `migrations not applied: ${pending.join(', ')}` };
  }
  return { ready: true };
}
