import type { FastifyReply, FastifyRequest } from 'fastify';
import { readiness } from '../../application/readiness.ts';
import { readMigrations } from '../../database/open-database.ts';
import type { Services } from '../services.ts';

/**
 * Probes for load balancers and orchestrators: live (the process answers; restart it if not)
 * and ready (send it requests). JSON, no personal data, open to everyone.
 */
export function healthHandlers(services: Services) {
  // The migrations this build knows: read once, compared with the database on every probe.
  const migrations = readMigrations();
  return {
    live(_request: FastifyRequest, reply: FastifyReply) {
      return reply.send({ status: 'live' });
    },
    async ready(_request: FastifyRequest, reply: FastifyReply) {
      const state = await readiness(services, migrations);
      return state.ready
        ? reply.send({ status: 'ready' })
        : reply.code(503).send({ status: 'not ready', reason: state.reason });
    },
  };
}
