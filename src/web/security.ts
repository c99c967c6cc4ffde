import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyCsrfProtection from '@fastify/csrf-protection';
import fastifyFormbody from '@fastify/formbody';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';

/** Cookies are __Host- prefixed in secure mode: HTTPS only, this host only, path /. */
export function cookieName(config: Pick<Config, 'secure'>, name: string): string {
  return config.secure ? `__Host-${name}` : name;
}

const NONCE = Symbol('cspNonce');
type WithNonce = IncomingMessage & { [NONCE]?: string };

/** The per-request nonce the NHS template puts on its one inline script. */
export function cspNonce(request: FastifyRequest): string {
  return (request.raw as WithNonce)[NONCE] ?? '';
}

/**
 * Rate limits: per client address for the routes that guess at secrets; per account for uploads
 * (each read of a spreadsheet is costly, and a trust's users may share one address), counted once
 * the gates have said who is asking.
 */
export const RATE_LIMITS = {
  signIn: { max: 20, timeWindow: '5 minutes' },
  passwordReset: { max: 10, timeWindow: '15 minutes' },
  api: { max: 300, timeWindow: '1 minute' },
  upload: {
    max: 120,
    timeWindow: '1 minute',
    hook: 'preHandler',
    keyGenerator: (request: FastifyRequest) => `upload by account ${request.viewer?.accountId}`,
  },
} as const;

/**
 * Every security measure, in the order it applies to a request: nonce, headers (CSP with the
 * nonce on scripts only, since ECharts' SVG carries inline styles), cookies, form bodies, CSRF
 * on every form post, rate limits where routes ask for them, and no caching of dynamic pages.
 */
export async function registerSecurity(
  app: FastifyInstance,
  config: Config,
  rateLimitStore: FastifyRateLimitStoreCtor,
): Promise<void> {
  app.addHook('onRequest', async (request) => {
    (request.raw as WithNonce)[NONCE] = randomBytes(16).toString('base64');
  });
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: [
          "'self'",
          (request: IncomingMessage, _response: ServerResponse) =>
            `'nonce-${(request as WithNonce)[NONCE] ?? ''}'`,
        ],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'https://assets.nhs.uk'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        upgradeInsecureRequests: config.secure ? [] : null,
      },
    },
    strictTransportSecurity: config.secure ? { maxAge: 31_536_000 } : false,
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(fastifyCookie, { secret: config.cookieSecret });
  await app.register(fastifyFormbody);
  await app.register(fastifyCsrfProtection, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookieName(config, 'ips_csrf'),
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secure, signed: true },
    // Forms send it as a field; the header's sign-out button and uploads in the query string.
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined;
      const query = request.query as Record<string, unknown> | undefined;
      const token = body?._csrf ?? request.headers['x-csrf-token'] ?? query?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
  });
  app.addHook('preHandler', (request, reply, done) => {
    // API calls carry a bearer token, not cookies, so a forged cross-site form cannot make one.
    if (request.method === 'POST' && !request.url.startsWith('/api/')) {
      app.csrfProtection(request, reply, done);
    } else {
      done();
    }
  });
  await app.register(fastifyRateLimit, { global: false, store: rateLimitStore });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (!request.url.startsWith('/assets/')) reply.header('Cache-Control', 'no-store');
    done(null, payload);
  });
}
