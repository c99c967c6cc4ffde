import type { SingleSignOnClients } from '../accounts/single-sign-on-clients.ts';
import type { Config } from '../config/config.ts';
import type { Database } from '../database/database.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { OutboxBell } from '../mail/outbox-bell.ts';
import type { ServiceMetrics } from '../observability/service-metrics.ts';
import type { UploadCheckPool } from '../uploads/check-pool.ts';
import type { Lifecycle } from './lifecycle.ts';

/**
 * What the use cases are given by the composition root: no web types, so the web handlers, the
 * API and the command-line tool call the same modules. Each use case asks only for the parts it
 * uses (`Pick<AppContext, 'database' | 'clock'>`).
 */
export interface AppContext {
  readonly config: Config;
  readonly database: Database;
  /** The HMAC key client IDs are hashed with (from the config or its key file). */
  readonly pseudonymisationSecret: string;
  /** Sends email for the background sender only: use cases queue theirs in the outbox. */
  readonly mailer: Mailer;
  /** Rung after queueing an email, so this server sends it at once. */
  readonly outboxBell: OutboxBell;
  /** The time now; tests move it to check lock-outs, expiry and as-at dates. */
  readonly clock: () => Date;
  readonly lifecycle: Lifecycle;
  /** This process's Prometheus metrics: the use cases count uploads by outcome. */
  readonly metrics: ServiceMetrics;
  /** The single sign-on providers' discovered configurations, fetched at first use. */
  readonly singleSignOn: SingleSignOnClients;
  /** The worker threads uploads are read and checked in, off the event loop. */
  readonly uploadChecks: UploadCheckPool;
}
