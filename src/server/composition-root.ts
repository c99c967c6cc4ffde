import { readFileSync } from 'node:fs';
import type { DestinationStream } from 'pino';
import {
  createOneTimeLink,
  FIRST_ADMINISTRATOR_LINK_MINUTES,
  hasAdministrator,
} from '../accounts/accounts.ts';
import { SingleSignOnClients } from '../accounts/single-sign-on-clients.ts';
import { Lifecycle } from '../application/lifecycle.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../database/database.ts';
import { openDatabase } from '../database/open-database.ts';
import { createMailer } from '../mail/mailer.ts';
import { OutboxBell } from '../mail/outbox-bell.ts';
import { ServiceMetrics } from '../observability/service-metrics.ts';
import { startTracing, tracedDatabase } from '../observability/tracing.ts';
import { UploadCheckPool } from '../uploads/check-pool.ts';
import { buildApp } from '../web/app.ts';
import type { Services } from '../web/services.ts';
import { createTemplates } from '../web/views.ts';
import { createLogger } from './logger.ts';
import { pseudonymisationSecretOf } from './pseudonymisation-key-file.ts';

/** The package's version, for traces: which build answered. */
const SERVICE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

export interface Overrides {
  /** An open database (tests pass in-memory PGlite); otherwise the one the config names. */
  readonly database?: Database;
  readonly logDestination?: DestinationStream;
  /** Where the development outbox writes emails; the console by default. */
  readonly writeOutbox?: (text: string) => void;
  readonly clock?: () => Date;
}

/** The one place that builds config → database → services → app. */
export async function composeServices(
  config: Config,
  overrides: Overrides = {},
): Promise<Services> {
  const tracing = config.tracing === null ? null : startTracing(config.tracing, SERVICE_VERSION);
  const logger = createLogger(config.logLevel, overrides.logDestination);
  const openedDatabase =
    overrides.database ??
    (await openDatabase(config.database, {
      migrate: config.migrateOnStart,
      // The error's code and message only: never the connection string, which holds a password.
      onConnectionLost: (error) =>
        logger.warn(
          { code: (error as { code?: unknown }).code, message: error.message },
          'database connection lost: the pool opens another',
        ),
    }));
  const database =
    tracing === null ? openedDatabase : tracedDatabase(openedDatabase, tracing.tracer);
  return {
    config,
    database,
    pseudonymisationSecret: pseudonymisationSecretOf(config.pseudonymisationKey),
    mailer: createMailer(
      config.mail,
      overrides.writeOutbox ?? ((text) => process.stdout.write(text)),
    ),
    outboxBell: new OutboxBell(),
    templates: createTemplates(),
    logger,
    clock: overrides.clock ?? (() => new Date()),
    lifecycle: new Lifecycle(),
    metrics: new ServiceMetrics(() => database.connectionUse()),
    tracing,
    singleSignOn: new SingleSignOnClients(config.singleSignOnProviders),
    uploadChecks: new UploadCheckPool(config.uploadChecks),
  };
}

export async function composeApp(config: Config, overrides: Overrides = {}) {
  const services = await composeServices(config, overrides);
  return { services, app: await buildApp(services) };
}

/**
 * On a database with no administrator: a one-time link to create the first one, printed to the
 * console (not the log) by whoever started the service.
 */
export async function firstAdministratorLink(services: Services): Promise<string | null> {
  if (await hasAdministrator(services.database)) return null;
  const token = await createOneTimeLink(
    services.database,
    'first-administrator',
    null,
    services.clock(),
    FIRST_ADMINISTRATOR_LINK_MINUTES,
  );
  return `${services.config.baseUrl}/setup/${token}`;
}
