import type { FastifyBaseLogger } from 'fastify';
import type nunjucks from 'nunjucks';
import type { AppContext } from '../application/context.ts';
import type { Tracing } from '../observability/tracing.ts';

/** What the composition root builds once and every feature's handlers are given. */
export interface Services extends AppContext {
  readonly templates: nunjucks.Environment;
  readonly logger: FastifyBaseLogger;
  /** Null unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector. */
  readonly tracing: Tracing | null;
}
