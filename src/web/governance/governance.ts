import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  acceptDataSharingInForce,
  acceptTermsInForce,
  dataSharingStatusesFor,
} from '../../governance/agreement-actions.ts';
import { currentAgreement } from '../../governance/agreements.ts';
import { EMPTY_FORM, readForm } from '../forms.ts';
import { forbidden } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { readNext } from '../sign-in/sign-in.ts';

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
  const { database } = services;

  async function showTerms(request: FastifyRequest, reply: FastifyReply, form = EMPTY_FORM) {
    return reply.page('governance/accept-terms.njk', {
      title: 'Accept the terms and conditions',
      terms: await currentAgreement(database, 'end-user'),
      form,
      next: readNext(request.query, request.body),
    });
  }

  async function showDataSharing(request: FastifyRequest, reply: FastifyReply, form = EMPTY_FORM) {
    const statuses = request.viewer ? await dataSharingStatusesFor(database, request.viewer) : [];
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
      // Accepting a version that was replaced while the page was open accepts nothing.
      if (!(await acceptTermsInForce(services, viewer.accountId, read.value.version))) {
        return showTerms(request, reply);
      }
      return reply.redirect(readNext(request.body));
    },

    showDataSharing: (request: FastifyRequest, reply: FastifyReply) =>
      showDataSharing(request, reply),

    async acceptDataSharing(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer;
      if (viewer === null) throw forbidden();
      const read = readForm(acceptDataSharingForm, request.body);
      if (!read.ok) return showDataSharing(request, reply.code(400), read.form);
      const accepted = await acceptDataSharingInForce(services, viewer, read.value);
      if (accepted === 'not-allowed') throw forbidden();
      if (accepted === 'not-in-force') return showDataSharing(request, reply);
      return reply.redirect('/data-sharing-agreement?accepted=1');
    },
  };
}
