import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import { startTestWeb, type TestWeb } from '../../test/support/test-web.ts';
import { requestIdReader, startMetricsServer } from './observability.ts';

const METRICS_TOKEN = 'metrics-scrape-token-for-the-tests-0123456789';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

interface ExportedSpan {
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly attributes: ReadonlyArray<{ key: string; value: { stringValue?: string } }>;
}

/** A stand-in OpenTelemetry collector: keeps the spans OTLP/HTTP (JSON) sends it. */
async function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          resourceSpans: Array<{ scopeSpans: Array<{ spans: ExportedSpan[] }> }>;
        };
        for (const resource of body.resourceSpans) {
          for (const scope of resource.scopeSpans) spans.push(...scope.spans);
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, spans };
}

function inTwoParts(text: string): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  const half = Math.floor(bytes.length / 2);
  return new ReadableStream({
    async start(controller) {
      controller.enqueue(bytes.slice(0, half));
      await new Promise((resolve) => setTimeout(resolve, 50));
      controller.enqueue(bytes.slice(half));
      controller.close();
    },
  });
}

for (const testDatabase of testDatabases()) {
  describe(`request ids, metrics and traces (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let collector: Awaited<ReturnType<typeof startCollector>>;

    before(async () => {
      collector = await startCollector();
      web = await startTestWeb(testDatabase, {
        IPS_METRICS_TOKEN: METRICS_TOKEN,
        // The in-process requests come from 127.0.0.1: the proxy whose request ids are taken.
        IPS_TRUST_PROXY: '127.0.0.1',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      });
    });
    after(async () => {
      await web.services.tracing?.shutdown();
      await web.close();
      collector.server.close();
    });

    it('gives every answer a request id, and logs it on each line of the request', async () => {
      const fresh = await web.app.inject({ method: 'GET', url: '/sign-in' });
      assert.match(String(fresh.headers['x-request-id']), /^[0-9a-f-]{36}$/);

      const forwarded = await web.app.inject({
        method: 'GET',
        url: '/no-such-page',
        headers: { 'x-request-id': 'lb-7f3a.42' },
      });
      assert.equal(forwarded.headers['x-request-id'], 'lb-7f3a.42');
      assert.ok(web.logLines.some((line) => line.includes('"requestId":"lb-7f3a.42"')));

      const hostile = 'x'.repeat(65);
      const replaced = await web.app.inject({
        method: 'GET',
        url: '/sign-in',
        headers: { 'x-request-id': hostile },
      });
      assert.notEqual(replaced.headers['x-request-id'], hostile, 'a 65-character id is not taken');

      const fromClient = { headers: { 'x-request-id': 'chosen-by-client' } };
      assert.notEqual(requestIdReader(false)(fromClient), 'chosen-by-client', 'no trusted proxy');
    });

    it('serves Prometheus metrics on the main port to the scrape token only', async () => {
      assert.equal((await web.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      const wrong = await web.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN.slice(1)}x` },
      });
      assert.equal(wrong.statusCode, 401);

      await web.app.inject({ method: 'GET', url: '/teams/123456' });
      const scraped = await web.app.inject({
        method: 'GET',
        url: '/metrics',
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      assert.equal(scraped.statusCode, 200);
      assert.match(String(scraped.headers['content-type']), /^text\/plain/);
      const text = scraped.body;
      assert.match(
        text,
        /ips_http_request_duration_seconds_count{method="GET",route="\/teams\/:teamId",status_code="302"} 1\n/,
        'labelled by the route pattern, not the address',
      );
      assert.ok(!text.includes('123456'), 'no ids in labels');
      assert.match(text, /nodejs_eventloop_lag_seconds \d/);
      if (testDatabase.driver === 'postgres') {
        assert.match(text, /ips_database_connections{state="maximum"} \d+/);
      } else {
        assert.ok(!text.includes('ips_database_connections{'), 'no pool on PGlite');
      }
    });

    it('serves the metrics alone on a port of their own', async () => {
      const probe = createServer().listen(0, '127.0.0.1');
      await once(probe, 'listening');
      const { port } = probe.address() as AddressInfo;
      probe.close();
      const server = await startMetricsServer(web.services.metrics, {
        port,
        host: '127.0.0.1',
        token: null,
      });
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`);
        assert.equal(response.status, 200);
        assert.match(await response.text(), /ips_http_request_duration_seconds_bucket/);
        assert.equal((await fetch(`http://127.0.0.1:${port}/sign-in`)).status, 404);
      } finally {
        await server?.close();
      }
    });

    it('traces a request, its database queries joining the caller’s trace', async () => {
      // Over a real socket, the body in two parts: what a handler reads later stays in the trace.
      const address = await web.app.listen({ port: 0, host: '127.0.0.1' });
      const signInPage = await fetch(`${address}/sign-in`);
      const cookie = signInPage.headers.getSetCookie().map((each) => each.split(';')[0]);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await signInPage.text())?.[1] ?? '';
      await fetch(`${address}/sign-in`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: cookie.join('; '),
          'content-type': 'application/x-www-form-urlencoded',
          traceparent: `00-${TRACE_ID}-00f067aa0ba902b7-01`,
        },
        // Sent in two parts a moment apart, as a large form or upload arrives.
        body: inTwoParts(
          new URLSearchParams({
            _csrf: csrf,
            email: 'nobody@example.nhs.uk',
            password: 'not the password',
          }).toString(),
        ),
        duplex: 'half',
      } as RequestInit);
      await web.services.tracing?.flush();
      const inTrace = collector.spans.filter((span) => span.traceId === TRACE_ID);
      const server = inTrace.find((span) => span.name === 'POST /sign-in');
      assert.ok(server, 'a server span named by method and route');
      assert.equal(server.parentSpanId, '00f067aa0ba902b7');
      const queries = inTrace.filter((span) => span.name.startsWith('db '));
      assert.ok(queries.length > 0, 'queries after the form was read join the request’s trace');
      assert.ok(
        queries.every((span) => span.name === 'db SELECT' || /^db [A-Z]+$/.test(span.name)),
      );
      const attributes = JSON.stringify(inTrace.map((span) => span.attributes));
      assert.ok(!attributes.includes('nobody@example.nhs.uk'), 'no parameters in traces');
      assert.ok(
        web.logLines.some((line) => line.includes(`"traceId":"${TRACE_ID}"`)),
        'log lines carry the trace id',
      );
    });
  });
}
