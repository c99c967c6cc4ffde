import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { submitAccessRequest } from '../../accounts/access-requests.ts';
import { ROLE_NAMES, ROLES } from '../../permissions/permissions.ts';
import { choiceItems, EMPTY_FORM, readForm } from '../forms.ts';
import type { Services } from '../services.ts';

export const requestAccessForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter your full name')
    .max(200, 'Name must be 200 characters or fewer'),
  email: z
    .string()
    .trim()
    .min(1, 'Enter your work email address')
    .pipe(z.email('Enter an email address in the correct format, like name@nhs.net')),
  roleWanted: z.enum(ROLES, { error: 'Select the role you need' }),
  organisations: z
    .string()
    .trim()
    .min(1, 'Enter the services or teams you work with')
    .max(2000, 'Services or teams must be 2000 characters or fewer'),
  reason: z
    .string()
    .trim()
    .min(1, 'Enter why you need access')
    .max(2000, 'Reason must be 2000 characters or fewer'),
});

export function requestAccessHandlers(services: Services) {
  const roles = ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role] }));
  return {
    show(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('request-access/request-access.njk', {
        title: 'Request access',
        form: EMPTY_FORM,
        roleItems: choiceItems(roles, undefined),
      });
    },

    async submit(request: FastifyRequest, reply: FastifyReply) {
      const read = readForm(requestAccessForm, request.body);
      if (!read.ok) {
        return reply.code(400).page('request-access/request-access.njk', {
          title: 'Request access',
          form: read.form,
          roleItems: choiceItems(roles, read.form.values.roleWanted),
        });
      }
      await submitAccessRequest(services, read.value);
      return reply.redirect('/request-access/sent');
    },

    sent(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('request-access/sent.njk', { title: 'Your request has been sent' });
    },
  };
}
