import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  listSingleSignOnDomains,
  readDomain,
  requireSingleSignOn,
  stopRequiringSingleSignOn,
} from '../../accounts/single-sign-on-domains.ts';
import type { Viewer } from '../../permissions/permissions.ts';
import { doneNotice, EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import type { Services } from '../services.ts';

const domainForm = z.object({ domain: z.string().max(300) });

const NOTICES = {
  added: 'People in that domain now sign in with single sign-on, and no longer with a password.',
  removed: 'People in that domain now sign in with a password, and no longer with single sign-on.',
} as const;

/** Administrators: the email domains that sign in with single sign-on, and not with passwords. */
export function singleSignOnAdminHandlers(services: Services) {
  const actor = (request: FastifyRequest) => (request.viewer as Viewer).accountId;
  const providers = services.config.singleSignOnProviders.map((provider) => provider.name);

  async function showDomains(reply: FastifyReply, form: FormState, notice?: string) {
    return reply.page('admin/single-sign-on.njk', {
      title: 'Single sign-on',
      domains: await listSingleSignOnDomains(services.database),
      providers,
      form,
      notice,
    });
  }

  /** The domain a form names, or the page again with what is wrong with it. */
  function domainOf(request: FastifyRequest) {
    const read = readForm(domainForm, request.body);
    const domain = readDomain(read.ok ? read.value.domain : '');
    return domain.ok
      ? domain
      : {
          ok: false as const,
          form: formWithErrors(request.body, { domain: { text: domain.problem } }),
        };
  }

  return {
    domains(request: FastifyRequest, reply: FastifyReply) {
      return showDomains(reply, EMPTY_FORM, doneNotice(NOTICES, request.query));
    },

    async add(request: FastifyRequest, reply: FastifyReply) {
      if (providers.length === 0) {
        // Without a provider, nobody in the domain could sign in at all.
        const form = formWithErrors(request.body, {
          domain: {
            text: 'A domain cannot sign in with single sign-on until a provider is set up (IPS_OIDC_CIS2_ISSUER or IPS_OIDC_ENTRA_ISSUER)',
          },
        });
        return showDomains(reply.code(400), form);
      }
      const read = domainOf(request);
      if (!read.ok) return showDomains(reply.code(400), read.form);
      if (!(await requireSingleSignOn(services, read.domain, actor(request)))) {
        const form = formWithErrors(request.body, {
          domain: { text: `${read.domain} already signs in with single sign-on` },
        });
        return showDomains(reply.code(400), form);
      }
      return reply.redirect('/admin/single-sign-on?done=added');
    },

    async remove(request: FastifyRequest, reply: FastifyReply) {
      const read = domainOf(request);
      if (read.ok) await stopRequiringSingleSignOn(services, read.domain, actor(request));
      // Already gone (two administrators, one domain) is the outcome asked for.
      return reply.redirect('/admin/single-sign-on?done=removed');
    },
  };
}
