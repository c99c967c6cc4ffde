import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { searchAudit } from '../../audit/audit-log.ts';
import { publishAgreementVersion } from '../../governance/agreement-actions.ts';
import {
  AGREEMENT_KINDS,
  AGREEMENT_NAMES,
  type AgreementKind,
  currentAgreement,
} from '../../governance/agreements.ts';
import type { Viewer } from '../../permissions/permissions.ts';
import { EMPTY_FORM, type FormState, optionalDateField, readForm } from '../forms.ts';
import { routeParameters } from '../http-errors.ts';
import type { Services } from '../services.ts';

const agreementForm = z.object({
  body: z
    .string()
    .trim()
    .min(1, 'Enter the text of the agreement')
    .max(50_000, 'The agreement must be 50,000 characters or fewer'),
});

const auditSearchForm = z.object({
  text: z.string().trim().max(200, 'Search words must be 200 characters or fewer').default(''),
  from: optionalDateField('the start date'),
  to: optionalDateField('the end date'),
});

const agreementParameters = z.object({ kind: z.enum(AGREEMENT_KINDS) });

const kindOf = (request: FastifyRequest): AgreementKind =>
  routeParameters(agreementParameters, request.params).kind;

/** Administrators edit both agreements (each edit a new version) and search the audit log. */
export function governanceAdminHandlers(services: Services) {
  const { database } = services;

  async function showAgreement(request: FastifyRequest, reply: FastifyReply, form?: FormState) {
    const kind = kindOf(request);
    const agreement = await currentAgreement(database, kind);
    return reply.page('admin/agreement.njk', {
      title: AGREEMENT_NAMES[kind],
      backHref: '/admin/agreements',
      kind,
      agreement,
      form: form ?? { ...EMPTY_FORM, values: { body: agreement.body } },
    });
  }

  return {
    async agreements(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('admin/agreements.njk', {
        title: 'Agreements',
        backHref: '/admin',
        agreements: [
          {
            kind: 'data-sharing',
            name: AGREEMENT_NAMES['data-sharing'],
            current: await currentAgreement(database, 'data-sharing'),
          },
          {
            kind: 'end-user',
            name: AGREEMENT_NAMES['end-user'],
            current: await currentAgreement(database, 'end-user'),
          },
        ],
      });
    },

    agreement: (request: FastifyRequest, reply: FastifyReply) => showAgreement(request, reply),

    async publish(request: FastifyRequest, reply: FastifyReply) {
      const kind = kindOf(request);
      const read = readForm(agreementForm, request.body);
      if (!read.ok) return showAgreement(request, reply.code(400), read.form);
      await publishAgreementVersion(
        services,
        kind,
        read.value.body,
        (request.viewer as Viewer).accountId,
      );
      return reply.redirect('/admin/agreements');
    },

    async audit(request: FastifyRequest, reply: FastifyReply) {
      const read = readForm(auditSearchForm, request.query);
      const search = read.ok ? read.value : { text: '', from: null, to: null };
      return reply.code(read.ok ? 200 : 400).page('admin/audit.njk', {
        title: 'Audit log',
        width: 'full',
        backHref: '/admin',
        form: read.ok
          ? { ...EMPTY_FORM, values: { ...search, from: search.from ?? '', to: search.to ?? '' } }
          : read.form,
        events: await searchAudit(database, search),
      });
    },
  };
}
