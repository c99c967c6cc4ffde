import { trace } from '@opentelemetry/api';
import type { DestinationStream, Logger } from 'pino';
import pino from 'pino';
import type { LogLevel } from '../config/config.ts';

/** Paths whose last segment is a secret: one-time links. */
const SECRET_PATH = /^\/(password-reset|setup)\/(?!sent$|done$)[^/?#]+/;
/** An upload's check id: the key its sealed check is opened with, so never in a log. */
const CHECK_PATH = /^(\/teams\/\d+\/upload\/check)\/[^/?#]+/;

/**
 * What a log line may say about a request's address: the path, with one-time link secrets and
 * check ids replaced, and no query string (it can carry a CSRF token or a search for a person).
 */
export function loggableUrl(url: string): string {
  const path = url.split('?')[0] ?? '';
  return path.replace(SECRET_PATH, '/$1/[secret]').replace(CHECK_PATH, '$1/[secret]');
}

interface RequestLike {
  method?: string;
  url?: string;
  ip?: string;
}

/**
 * Structured logs (pino). Requests are logged by method, safe path and address only: never
 * headers (cookies, bearer tokens) or bodies (passwords, uploaded rows). Each line of a request
 * carries its `requestId`, and with tracing on its `traceId`, to find the rest of it.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      mixin() {
        const span = trace.getActiveSpan();
        return span === undefined ? {} : { traceId: span.spanContext().traceId };
      },
      serializers: {
        req: (request: RequestLike) => ({
          method: request.method,
          url: loggableUrl(request.url ?? ''),
          remoteAddress: request.ip,
        }),
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
        err: pino.stdSerializers.err,
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'authorization',
          '*.authorization',
          'cookie',
          '*.cookie',
        ],
        censor: '[redacted]',
      },
    },
    destination ?? pino.destination(1),
  );
}
