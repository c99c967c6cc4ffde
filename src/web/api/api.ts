import type { FastifyReply, FastifyRequest } from 'fastify';
import { holderOfApiToken } from '../../accounts/api-tokens.ts';
import { loadViewer } from '../../accounts/viewer.ts';
import { isWaitingForAgreement } from '../../permissions/permissions.ts';
import { hasAcceptedTerms } from '../gates.ts';
import type { Services } from '../services.ts';

/**
 * `Authorization: Bearer <token>` acts as the token's owner with the same permissions. Cookies
 * count for nothing here, so the API needs no CSRF token.
 */
export function requireApiToken(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    request.viewer = null;
    const match = /^Bearer ([A-Za-z0-9_-]{1,200})$/.exec(request.headers.authorization ?? '');
    const holder = match?.[1]
      ? await holderOfApiToken(services.database, match[1], services.clock())
      : null;
    if (holder?.kind === 'expired') {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="IPS Reporting", error="invalid_token"')
        .send({
          error: `This API token expired on ${holder.expiredAt.toISOString().slice(0, 10)}: make a new one on your account page`,
        });
    }
    const viewer = holder === null ? null : await loadViewer(services.database, holder.accountId);
    if (viewer === null) {
      return reply
        .code(401)
        .header('WWW-Authenticate', 'Bearer realm="IPS Reporting"')
        .send({ error: 'A valid API token is needed: send Authorization: Bearer <token>' });
    }
    // The same conditions as the pages: the agreement in force accepted (in the browser), and not
    // held back waiting for a service's data sharing agreement.
    if (!(await hasAcceptedTerms(services, viewer.accountId))) {
      return reply.code(403).send({
        error:
          'Sign in to the website and accept the terms and conditions in force before using the API.',
      });
    }
    if (isWaitingForAgreement(viewer)) {
      return reply.code(403).send({
        error: 'Your organisation has not yet accepted the data sharing agreement.',
      });
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
