import type { FastifyBaseLogger } from 'fastify';
import type nunjucks from 'nunjucks';
import type { AppContext } from '../application/context.ts';

/** What the composition root builds once and every feature's handlers are given. */
export interface Services extends AppContext {
  readonly templates: nunjucks.Environment;
  readonly logger: FastifyBaseLogger;
}
