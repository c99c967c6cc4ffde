import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  createFirstAdministrator,
  firstAdministratorLinkIsValid,
} from '../../accounts/first-administrator.ts';
import { EMPTY_FORM, formWithErrors, readForm } from '../forms.ts';
import {
  linkExpired,
  linkToken,
  newPasswordFormProblem,
} from '../password-reset/password-reset.ts';
import type { Services } from '../services.ts';

const administratorForm = z.object({
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
});

/** The one-time link `npm start` prints on an empty database, to create the first administrator. */
export function firstAdministratorHandlers(services: Services) {
  /** The link's token while it can still create the first administrator. */
  async function validToken(request: FastifyRequest): Promise<string | null> {
    const token = linkToken(request.params);
    return token !== null && (await firstAdministratorLinkIsValid(services, token)) ? token : null;
  }

  return {
    async show(request: FastifyRequest, reply: FastifyReply) {
      if ((await validToken(request)) === null) return linkExpired(reply);
      return reply.page('setup/first-administrator.njk', {
        title: 'Create the first administrator',
        form: EMPTY_FORM,
      });
    },

    async create(request: FastifyRequest, reply: FastifyReply) {
      const token = await validToken(request);
      if (token === null) return linkExpired(reply);
      const read = readForm(administratorForm, request.body);
      const password = newPasswordFormProblem(request.body, read.ok ? read.value.email : '');
      if (!read.ok || !password.ok) {
        const errors = {
          ...(read.ok ? {} : read.form.errors),
          ...(password.ok ? {} : password.form.errors),
        };
        return reply.code(400).page('setup/first-administrator.njk', {
          title: 'Create the first administrator',
          form: formWithErrors(request.body, errors),
        });
      }
      // A link used meanwhile (two tabs) creates nobody; either way the next step is to sign in.
      await createFirstAdministrator(services, token, {
        ...read.value,
        password: password.password,
      });
      return reply.redirect('/sign-in');
    },
  };
}
