import { pendingMigrations } from '../database/migrations.ts';
import { readMigrations } from '../database/open-database.ts';
import { keepSendingEmail } from '../mail/outbox.ts';
import { keepSweepingExpiredChecks } from '../uploads/upload-use-cases.ts';
import { startMetricsServer } from '../web/observability.ts';

import { composeApp, firstAdministratorLink } from './composition-root.ts';
import { configOrExit, openedOrExit } from './config-or-exit.ts';

/** `npm start`: the web service on the configured database (embedded PGlite by default). */
const config = configOrExit(process.env, 'IPS Reporting cannot start. Fix these settings:');
const { app, services } = await openedOrExit(composeApp(config));
await app.listen({ port: config.port, host: config.host });
const metricsServer = await startMetricsServer(services.metrics, config.metrics);
if (config.secure && config.database.databaseUrl === null) {
  // Allowed by IPS_ALLOW_EMBEDDED_DATABASE=1; the data folder is this process's alone.
  services.logger.warn(
    { dataDirectory: config.database.dataDirectory },
    'running on the embedded database: one server only, no second server may share it; set DATABASE_URL for PostgreSQL',
  );
}
// Started before `npm run migrate` (IPS_MIGRATE_ON_START=0): answer not ready until it has run.
const pending = await pendingMigrations(services.database, readMigrations());
if (pending.length > 0) {
  services.logger.warn({ pending }, 'waiting for migrations: not ready until they are applied');
}
// Started even while migrations wait: each sweep that fails says so and the next tries again.
const sweeping = keepSweepingExpiredChecks(services);
// Likewise: queued email waits in the database until a round gets through.
const sendingEmail = keepSendingEmail(services);

const link = pending.length === 0 ? await firstAdministratorLink(services) : null;
if (link !== null) {
  process.stdout.write(
    `\nNo administrator yet. Create the first one within 24 hours at:\n  ${link}\n\n`,
  );
}
/**
 * A graceful stop (an orchestrator's SIGTERM, Ctrl-C): readiness says no at once, no new
 * connections are taken, requests in flight finish, then the database closes and the process
 * exits 0. Past the grace period it exits 1 with whatever is still running.
 */
async function stop(signal: NodeJS.Signals) {
  services.logger.info({ signal }, 'stopping: finishing requests in flight');
  services.lifecycle.beginStopping();
  sweeping.stop();
  // The email being sent is finished (and its row deleted) before the database closes.
  const emailStopped = sendingEmail.stop();
  const deadline = setTimeout(() => {
    services.logger.error(
      { graceSeconds: config.stopGraceSeconds },
      'requests still running at the end of the grace period: exiting',
    );
    process.exit(1);
  }, config.stopGraceSeconds * 1000);
  deadline.unref();
  await app.close();
  await services.lifecycle.inHandFinished();
  await services.uploadChecks.close();
  await metricsServer?.close();
  await services.tracing?.shutdown();
  await emailStopped;
  await services.database.close();
  clearTimeout(deadline);
  services.logger.info('stopped');
  process.exit(0);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, stop);
// Said only once a stop would be graceful: a SIGTERM straight after it must not kill the process.
process.stdout.write(`IPS Reporting is running at ${config.baseUrl}\n`);
