import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  createAccount,
  findOneTimeLink,
  hasAdministrator,
  useOneTimeLink,
} from '../../accounts/accounts.ts';
import { hashPassword } from '../../accounts/passwords.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { EMPTY_FORM, formWithErrors, readForm } from '../forms.ts';
import { newPasswordFormProblem } from '../password-reset/password-reset.ts';
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
  const { database, clock } = services;

  async function linkIsValid(token: string) {
    return (
      !(await hasAdministrator(database)) &&
      (await findOneTimeLink(database, 'first-administrator', token, clock())) !== null
    );
  }

  return {
    async show(request: FastifyRequest, reply: FastifyReply) {
      const { token } = request.params as { token: string };
      if (!(await linkIsValid(token))) {
        return reply
          .code(404)
          .page('password-reset/link-expired.njk', { title: 'This link has expired' });
      }
      return reply.page('setup/first-administrator.njk', {
        title: 'Create the first administrator',
        form: EMPTY_FORM,
      });
    },

    async create(request: FastifyRequest, reply: FastifyReply) {
      const { token } = request.params as { token: string };
      if (!(await linkIsValid(token))) {
        return reply
          .code(404)
          .page('password-reset/link-expired.njk', { title: 'This link has expired' });
      }
      const read = readForm(administratorForm, request.body);
      const password = newPasswordFormProblem(request.body, read.ok ? read.value.email : '');
      if (!read.ok || !password.ok) {
        const errors = {
          ...(read.ok ? {} : read.form.errors),
          ...(password.ok ? {} : password.form.errors),
        };
        return reply.code(400).page('setup/first-administrator.njk', {
          title: 'Create the first administrator',
          form: formWithErrors(request.body as Record<string, unknown>, errors),
        });
      }
      const passwordHash = await hashPassword(password.password);
      const now = clock();
      await database.transaction(async (transaction) => {
        if (!(await useOneTimeLink(transaction, 'first-administrator', token, now))) return;
        const accountId = await createAccount(transaction, { ...read.value, passwordHash });
        await transaction.query(
          "INSERT INTO role_assignment (account_id, role) VALUES ($1, 'administrator')",
          [accountId],
        );
        await recordAudit(transaction, now, {
          actorAccountId: accountId,
          action: 'created the first administrator',
          subject: `account ${accountId}`,
        });
      });
      return reply.redirect('/sign-in');
    },
  };
}
