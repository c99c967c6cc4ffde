import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { Database, Queryable } from '../database/database.ts';

export interface TracingSettings {
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's base address; traces go to `/v1/traces`. */
  readonly endpoint: string;
  readonly serviceName: string;
}

export interface Tracing {
  readonly tracer: Tracer;
  /** Sends what is waiting: at a graceful stop, and in tests. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry traces over OTLP/HTTP, on only when a collector is configured. Registering the
 * provider sets the async context (so database spans join their request's trace) and the W3C
 * `traceparent` propagator (so a trace started at the load balancer carries on here).
 */
export function startTracing(settings: TracingSettings, serviceVersion: string): Tracing {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      'service.version': serviceVersion,
    }),
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${settings.endpoint}/v1/traces` })),
    ],
  });
  provider.register();
  return {
    tracer: provider.getTracer('ips-reporting', serviceVersion),
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/**
 * The database with a client span per query and transaction. The span names the statement's
 * first word only: parameters and SQL text stay out of traces, as they stay out of logs.
 */
export function tracedDatabase(database: Database, tracer: Tracer): Database {
  const traced = (target: Queryable): Queryable => ({
    query: (sql, parameters) =>
      inSpan(tracer, operationOf(sql), () => target.query(sql, parameters)),
    runScript: (sql) => inSpan(tracer, 'script', () => target.runScript(sql)),
  });
  return {
    kind: database.kind,
    ...traced(database),
    transaction: (work) =>
      inSpan(tracer, 'transaction', () =>
        database.transaction((transaction) => work(traced(transaction))),
      ),
    connectionUse: () => database.connectionUse(),
    close: () => database.close(),
  };
}

function operationOf(sql: string): string {
  return /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'query';
}

function inSpan<T>(tracer: Tracer, operation: string, run: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(
    `db ${operation}`,
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation },
    },
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
