import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasAcceptedTermsInForce } from '../governance/agreement-actions.ts';
import { isWaitingForAgreement, type Viewer } from '../permissions/permissions.ts';
import { forbidden } from './http-errors.ts';
import type { Services } from './services.ts';

/**
 * The gates route groups stand behind (routes.ts). Each is a preHandler: it lets the request
 * through, redirects it, or throws for the error page; none relies on a hidden link.
 */

/** Signed in, with the second factor given; otherwise to the sign-in page and back after. */
export async function requireViewer(request: FastifyRequest, reply: FastifyReply) {
  if (request.viewer !== null) return;
  if (request.session?.secondFactorPending) return reply.redirect('/sign-in/second-factor');
  const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
  return reply.redirect(`/sign-in${next}`);
}

/** Whether the account has accepted the end-user agreement in force. */
export function hasAcceptedTerms(services: Services, accountId: number): Promise<boolean> {
  return hasAcceptedTermsInForce(services.database, accountId);
}

/** Signed in and has accepted the end-user agreement in force (first sign-in, and each new version). */
export function requireTermsAccepted(services: Services) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const viewer = request.viewer;
    if (viewer === null) return requireViewer(request, reply);
    if (!(await hasAcceptedTerms(services, viewer.accountId))) {
      const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
      return reply.redirect(`/terms/accept${next}`);
    }
  };
}

/**
 * Everything else: also held back while every role the person holds waits on a service's data
 * sharing agreement. They see only the governance message; a named data governance lead is
 * sent to the agreement to accept it.
 */
export function requireFullAccess(services: Services) {
  const termsGate = requireTermsAccepted(services);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    await termsGate(request, reply);
    // A gate that has answered returns the reply, which stops the gates after it.
    if (reply.sent) return reply;
    const viewer = request.viewer;
    if (viewer === null || !isWaitingForAgreement(viewer)) return;
    if (viewer.assignments.some((assignment) => assignment.dataGovernanceLead)) {
      return reply.redirect('/data-sharing-agreement');
    }
    return reply.code(403).page('governance/waiting-for-agreement.njk', {
      title: 'Your organisation has not yet accepted the data sharing agreement',
    });
  };
}

/** A gate from a named predicate over the viewer alone (administration, help). */
export function requirePermission(predicate: (viewer: Viewer) => boolean) {
  return async (request: FastifyRequest) => {
    if (request.viewer === null || !predicate(request.viewer)) throw forbidden();
  };
}
