import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ConnectionUse } from '../database/database.ts';

/** How an upload's check or save ended, for the uploads counter. */
export type UploadOutcome =
  /** Checked: no errors, waiting for Confirm (or saved at once by the API). */
  | 'checked'
  /** Checked: errors to fix first, nothing kept. */
  | 'has-errors'
  | 'saved'
  /** The team's data changed since the check: nothing saved, check again. */
  | 'data-changed'
  /** The kept check had expired or was already confirmed. */
  | 'expired'
  /** Stopped: over its time or memory limit, or the checks' queue was full. */
  | 'refused'
  /** A fault in the service: the person is asked to try again. */
  | 'failed';

export type UploadStage = 'check' | 'save';

/**
 * Prometheus metrics of one server process (each server is scraped on its own): request
 * durations by route, uploads by outcome, database connections, and Node's own (event-loop lag,
 * memory, CPU). A registry per app, not prom-client's global one, so in-process tests do not
 * share counts.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly #requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly #uploads: Counter<'stage' | 'outcome'>;
  readonly #uploadDuration: Histogram<'stage'>;

  constructor(connectionUse: () => ConnectionUse | null) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requestDuration = new Histogram({
      name: 'ips_http_request_duration_seconds',
      help: 'Time to answer a request, by method, route pattern and status code',
      labelNames: ['method', 'route', 'status_code'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    });
    this.#uploads = new Counter({
      name: 'ips_uploads_total',
      help: 'Upload checks and saves, by stage and outcome',
      labelNames: ['stage', 'outcome'],
      registers,
    });
    this.#uploadDuration = new Histogram({
      name: 'ips_upload_duration_seconds',
      help: 'Time to check an upload (read, validate, compare) or to save it',
      labelNames: ['stage'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    new Gauge({
      name: 'ips_database_connections',
      help: 'Database pool connections by state (PostgreSQL only; the embedded database has one)',
      labelNames: ['state'],
      registers,
      collect() {
        const use = connectionUse();
        if (use === null) return;
        this.set({ state: 'open' }, use.open);
        this.set({ state: 'idle' }, use.idle);
        this.set({ state: 'waiting' }, use.waiting);
        this.set({ state: 'maximum' }, use.maximum);
      },
    });
  }

  /** `route` is the URL pattern (`/teams/:teamId`), never the address: ids and queries stay out. */
  recordRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.#requestDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  recordUpload(stage: UploadStage, outcome: UploadOutcome, seconds: number): void {
    this.#uploads.inc({ stage, outcome });
    this.#uploadDuration.observe({ stage }, seconds);
  }

  /** The text format Prometheus scrapes. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
