import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.ts';
import {
  acceptDataSharing,
  acceptTerms,
  currentAgreement,
  serviceAgreementStatuses,
} from '../../governance/agreements.ts';
import { canAcceptDataSharingAgreement } from '../../permissions/permissions.ts';
import { EMPTY_FORM, readForm } from '../forms.ts';
import { forbidden } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { safeNext } from '../sign-in/sign-in.ts';

const acceptTermsForm = z.object({
  version: z.coerce.number().int(),
  accept: z.literal('yes', { error: 'Confirm that you accept the terms and conditions' }),
});

const acceptDataSharingForm = z.object({
  serviceId: z.coerce.number().int(),
  version: z.coerce.number().int(),
  accept: z.literal('yes', {
    error: 'Confirm that you accept the data sharing agreement for your organisation',
  }),
});

/** The two agreements: each person's terms and conditions, and each service's data sharing. */
export function governanceHandlers(services: Services) {
  const { database, clock } = services;

  async function showTerms(request: FastifyRequest, reply: FastifyReply, form = EMPTY_FORM) {
    const terms = await currentAgreement(database, 'end-user');
    const { next } = request.query as { next?: string };
    return reply.page('governance/accept-terms.njk', {
      title: 'Accept the terms and conditions',
      terms,
      form,
      next: safeNext(next ?? (request.body as { next?: string } | undefined)?.next),
    });
  }

  async function servicesToAccept(request: FastifyRequest) {
    const viewer = request.viewer;
    if (viewer === null) return [];
    const serviceIds = viewer.assignments.flatMap((assignment) =>
      assignment.scopeId !== null && canAcceptDataSharingAgreement(viewer, assignment.scopeId)
        ? [assignment.scopeId]
        : [],
    );
    return serviceAgreementStatuses(database, serviceIds);
  }

  async function showDataSharing(request: FastifyRequest, reply: FastifyReply, form = EMPTY_FORM) {
    const statuses = await servicesToAccept(request);
    if (statuses.length === 0) throw forbidden();
    return reply.page('governance/data-sharing.njk', {
      title: 'Data sharing agreement',
      agreement: await currentAgreement(database, 'data-sharing'),
      statuses,
      form,
    });
  }

  return {
    async terms(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('governance/terms.njk', {
        title: 'Terms and conditions',
        terms: await currentAgreement(database, 'end-user'),
      });
    },

    showTerms: (request: FastifyRequest, reply: FastifyReply) => showTerms(request, reply),

    async acceptTerms(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer;
      if (viewer === null) throw forbidden();
      const read = readForm(acceptTermsForm, request.body);
      if (!read.ok) return showTerms(request, reply.code(400), read.form);
      const inForce = await currentAgreement(database, 'end-user');
      // Accepting a version that was replaced while the page was open accepts nothing.
      if (read.value.version !== inForce.version) return showTerms(request, reply);
      await database.transaction(async (transaction) => {
        await acceptTerms(transaction, viewer.accountId, inForce.version);
        await recordAudit(transaction, clock(), {
          actorAccountId: viewer.accountId,
          action: 'accepted terms and conditions',
          subject: `version ${inForce.version}`,
        });
      });
      return reply.redirect(safeNext((request.body as { next?: string }).next));
    },

    showDataSharing: (request: FastifyRequest, reply: FastifyReply) =>
      showDataSharing(request, reply),

    async acceptDataSharing(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer;
      if (viewer === null) throw forbidden();
      const read = readForm(acceptDataSharingForm, request.body);
      if (!read.ok) return showDataSharing(request, reply.code(400), read.form);
      if (!canAcceptDataSharingAgreement(viewer, read.value.serviceId)) throw forbidden();
      const agreement = await currentAgreement(database, 'data-sharing');
      if (read.value.version !== agreement.version) return showDataSharing(request, reply);
      await database.transaction(async (transaction) => {
        await acceptDataSharing(
          transaction,
          read.value.serviceId,
          agreement.version,
          viewer.accountId,
          clock(),
        );
        await recordAudit(transaction, clock(), {
          actorAccountId: viewer.accountId,
          action: 'accepted data sharing agreement',
          subject: `service ${read.value.serviceId}`,
          detail: `version ${agreement.version}`,
        });
      });
      return reply.redirect('/data-sharing-agreement?accepted=1');
    },
  };
}
