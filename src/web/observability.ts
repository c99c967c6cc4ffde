import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  context,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { MetricsSettings } from '../config/config.ts';
import type { ServiceMetrics } from '../observability/service-metrics.ts';

/** An id a proxy or load balancer set, taken when it is short and plain; otherwise a new one. */
const FORWARDED_REQUEST_ID = /^[\w.:-]{1,64}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Fastify's `genReqId`: every log line of a request carries this id, and so does the answer. A
 * forwarded id is taken only behind trusted proxies: otherwise a client could choose the ids
 * that people quote to support, or reuse someone else's.
 */
export function requestIdReader(trustForwardedIds: boolean) {
  return (request: Pick<IncomingMessage, 'headers'>): string => {
    const forwarded = request.headers[REQUEST_ID_HEADER];
    return trustForwardedIds &&
      typeof forwarded === 'string' &&
      FORWARDED_REQUEST_ID.test(forwarded)
      ? forwarded
      : randomUUID();
  };
}

/** The route pattern, so metrics and span names never hold ids, tokens or queries. */
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

/**
 * Request ids on every answer, a duration per route for the metrics and, with tracing on, a
 * server span per request that the handler's database spans join.
 */
export function registerRequestObservation(
  app: FastifyInstance,
  metrics: ServiceMetrics,
  tracer: Tracer | null,
): void {
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    metrics.recordRequest(
      request.method,
      routeOf(request),
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  if (tracer !== null) registerRequestSpans(app, tracer);
}

function registerRequestSpans(app: FastifyInstance, tracer: Tracer): void {
  const spans = new WeakMap<FastifyRequest, Span>();
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(context.active(), request.headers);
    const route = routeOf(request);
    const span = tracer.startSpan(
      `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'http.route': route,
          'ips.request_id': request.id,
        },
      },
      parent,
    );
    spans.set(request, span);
    // The rest of the request, body reading and handler included, runs in the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
  app.addHook('onError', (request, _reply, error, done) => {
    spans.get(request)?.recordException(error);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span !== undefined) {
      span.setAttribute('http.response.status_code', reply.statusCode);
      if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
    done();
  });
}

/** `GET /metrics` in Prometheus's text format. */
export function metricsHandler(metrics: ServiceMetrics) {
  return async (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type(metrics.contentType).send(await metrics.exposition());
}

/** On the main port the metrics need the scraper's bearer token (IPS_METRICS_TOKEN). */
export function requireMetricsToken(token: string) {
  const expected = Buffer.from(`Bearer ${token}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'Unauthorised' });
    }
  };
}

/** IPS_METRICS_PORT: the metrics alone on a port of their own, for a scraper inside the network. */
export async function startMetricsServer(
  metrics: ServiceMetrics,
  settings: MetricsSettings,
): Promise<FastifyInstance | null> {
  if (settings.port === null) return null;
  const server = Fastify();
  server.get('/metrics', metricsHandler(metrics));
  await server.listen({ port: settings.port, host: settings.host });
  return server;
}
