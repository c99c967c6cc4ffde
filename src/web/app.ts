import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import { resumeSession, type SessionState } from '../accounts/sessions.ts';
import { loadViewer } from '../accounts/viewer.ts';
import type { Viewer } from '../permissions/permissions.ts';
import { registerErrorPages } from './error-pages.ts';
import { registerRequestObservation, requestIdReader } from './observability.ts';
import { databaseRateLimitStore } from './rate-limit-store.ts';
import { registerRoutes } from './routes.ts';
import { cookieName, cspNonce, registerSecurity } from './security.ts';
import type { Services } from './services.ts';
import { SESSION_COOKIE } from './session-cookie.ts';
import { MULTIPART_LIMITS } from './uploads/uploaded-files.ts';
import { ASSET_FOLDERS } from './views.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person, once their password (and code, if they use one) is accepted. */
    viewer: Viewer | null;
    session: (SessionState & { token: string }) | null;
  }
  interface FastifyInstance {
    /** Every route the app serves (method and URL pattern), for the access matrix test. */
    readonly routeTable: ReadonlyArray<{ readonly method: string; readonly url: string }>;
  }
  interface FastifyReply {
    /** Renders a page in the NHS layout with the viewer, CSRF token and CSP nonce filled in. */
    page(template: string, context?: Record<string, unknown>): FastifyReply;
  }
}

/** The whole web service as a function of its services: tests build it in-process. */
export async function buildApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    loggerInstance: services.logger,
    trustProxy: config.trustProxy,
    bodyLimit: 1_048_576,
    genReqId: requestIdReader(config.trustProxy !== false),
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
  });
  registerRequestObservation(app, services.metrics, services.tracing?.tracer ?? null);
  await registerSecurity(app, config, databaseRateLimitStore(services.database, services.clock));
  await app.register(fastifyMultipart, { limits: MULTIPART_LIMITS });
  await app.register(fastifyStatic, {
    root: ASSET_FOLDERS,
    prefix: '/assets/',
    // Only what pages load: styles, scripts, images and the web manifest.
    allowedPath: (path) => /\.(css|js|svg|png|ico|json)$/.test(path) && !path.includes('..'),
    cacheControl: true,
    maxAge: '1h',
  });

  app.decorateRequest('viewer', null);
  app.decorateRequest('session', null);
  app.decorateReply('page', function page(this: FastifyReply, template, context = {}) {
    const request = this.request;
    const html = services.templates.render(template, {
      ...context,
      viewer: request.viewer,
      csrfToken: this.generateCsrf(),
      cspNonce: cspNonce(request),
      currentPath: request.url.split('?')[0],
    });
    return this.type('text/html; charset=utf-8').send(html);
  });

  const sessionCookie = cookieName(config, SESSION_COOKIE);
  app.addHook('preHandler', async (request: FastifyRequest) => {
    const token = request.cookies[sessionCookie];
    if (token === undefined || request.url.startsWith('/assets/')) return;
    const session = await resumeSession(
      services.database,
      token,
      services.clock(),
      config.sessionIdleMinutes,
    );
    if (session === null) return;
    request.session = { ...session, token };
    if (!session.secondFactorPending) {
      request.viewer = await loadViewer(services.database, session.accountId);
    }
  });

  const routeTable: Array<{ method: string; url: string }> = [];
  app.decorate('routeTable', routeTable);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      // Fastify adds a HEAD for every GET; the static assets are not pages.
      if (method !== 'HEAD' && !route.url.startsWith('/assets/')) {
        routeTable.push({ method, url: route.url });
      }
    }
  });
  registerErrorPages(app);
  registerRoutes(app, services);
  return app;
}
