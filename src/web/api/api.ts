import type { FastifyReply, FastifyRequest } from 'fastify';
import { accountForApiToken } from '../../accounts/api-tokens.ts';
import { loadViewer } from '../../accounts/viewer.ts';
import type { Services } from '../services.ts';

/**
 * `Authorization: Bearer <token>` acts as the token's owner with the same permissions. Cookies
 * count for nothing here, so the API needs no CSRF token.
 */
export function requireApiToken(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    request.viewer = null;
    const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(request.headers.authorization ?? '');
    const accountId = match?.[1]
      ? await accountForApiToken(services.database, match[1], services.clock())
      : null;
    const viewer = accountId === null ? null : await loadViewer(services.database, accountId);
    if (viewer === null) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="IPS Reporting"')
        .send({ error: 'A valid API token is needed: send Authorization: Bearer <token>' });
    }
    request.viewer = viewer;
  };
}

export function apiHandlers() {
  return {
    me(request: FastifyRequest) {
      const viewer = request.viewer;
      return {
        email: viewer?.email,
        roleAssignments: (viewer?.assignments ?? []).map((assignment) => ({
          role: assignment.role,
          scopeType: assignment.scopeType,
          scopeId: assignment.scopeId,
          scopeName: assignment.scopeName,
          dataGovernanceLead: assignment.dataGovernanceLead,
          dataSharingAgreementAccepted: assignment.agreementAccepted,
        })),
      };
    },
  };
}
