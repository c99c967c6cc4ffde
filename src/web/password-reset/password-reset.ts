import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  createOneTimeLink,
  findAccount,
  findAccountByEmail,
  findOneTimeLink,
  PASSWORD_RESET_LINK_MINUTES,
  setPassword,
  useOneTimeLink,
} from '../../accounts/accounts.ts';
import { passwordProblem } from '../../accounts/passwords.ts';
import { endAllSessions } from '../../accounts/sessions.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import type { Services } from '../services.ts';

const requestResetForm = z.object({
  email: z
    .string()
    .trim()
    .min(1, 'Enter your email address')
    .pipe(z.email('Enter an email address in the correct format, like name@nhs.net')),
});

export const newPasswordForm = z
  .object({
    newPassword: z.string().min(1, 'Enter a new password'),
    confirmPassword: z.string().min(1, 'Enter the new password again'),
  })
  .refine((form) => form.newPassword === form.confirmPassword, {
    path: ['confirmPassword'],
    message: 'The passwords do not match',
  });

/** Checks a new password's two fields and the length rules; the form to show again, or null. */
export function newPasswordFormProblem(
  body: unknown,
  email: string,
): { ok: true; password: string } | { ok: false; form: FormState } {
  const read = readForm(newPasswordForm, body);
  if (!read.ok) return read;
  const problem = passwordProblem(read.value.newPassword, email);
  if (problem !== null) {
    return { ok: false, form: formWithErrors({}, { newPassword: { text: problem } }) };
  }
  return { ok: true, password: read.value.newPassword };
}

/**
 * Password reset by a one-time emailed link. The page says the same whether or not the email
 * has an account, so it cannot be used to find out who has one.
 */
export function passwordResetHandlers(services: Services) {
  const { database, clock, mailer, config } = services;

  async function linkAccount(token: string) {
    const link = await findOneTimeLink(database, 'password-reset', token, clock());
    return link?.accountId ? findAccount(database, link.accountId) : null;
  }

  return {
    show(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('password-reset/request.njk', {
        title: 'Reset your password',
        form: EMPTY_FORM,
      });
    },

    async request(request: FastifyRequest, reply: FastifyReply) {
      const read = readForm(requestResetForm, request.body);
      if (!read.ok) {
        return reply.code(400).page('password-reset/request.njk', {
          title: 'Reset your password',
          form: read.form,
        });
      }
      const account = await findAccountByEmail(database, read.value.email);
      if (account !== null) {
        const token = await createOneTimeLink(
          database,
          'password-reset',
          account.id,
          clock(),
          PASSWORD_RESET_LINK_MINUTES,
        );
        await mailer.send({
          to: account.email,
          subject: 'Reset your IPS Reporting password',
          text: [
            `Hello ${account.name},`,
            '',
            'Use this link to set a new password for IPS Reporting:',
            `${config.baseUrl}/password-reset/${token}`,
            '',
            `The link works once, for ${PASSWORD_RESET_LINK_MINUTES} minutes.`,
            'If you did not ask to reset your password, you can ignore this email.',
          ].join('\n'),
        });
      }
      return reply.redirect('/password-reset/sent');
    },

    sent(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('password-reset/sent.njk', { title: 'Check your email' });
    },

    async showNewPassword(request: FastifyRequest, reply: FastifyReply) {
      const { token } = request.params as { token: string };
      const account = await linkAccount(token);
      if (account === null) {
        return reply
          .code(404)
          .page('password-reset/link-expired.njk', { title: 'This link has expired' });
      }
      return reply.page('password-reset/new-password.njk', {
        title: 'Set a new password',
        form: EMPTY_FORM,
        token,
        email: account.email,
      });
    },

    async setNewPassword(request: FastifyRequest, reply: FastifyReply) {
      const { token } = request.params as { token: string };
      const account = await linkAccount(token);
      if (account === null) {
        return reply
          .code(404)
          .page('password-reset/link-expired.njk', { title: 'This link has expired' });
      }
      const checked = newPasswordFormProblem(request.body, account.email);
      if (!checked.ok) {
        return reply.code(400).page('password-reset/new-password.njk', {
          title: 'Set a new password',
          form: checked.form,
          token,
          email: account.email,
        });
      }
      const now = clock();
      const done = await database.transaction(async (transaction) => {
        if (!(await useOneTimeLink(transaction, 'password-reset', token, now))) return false;
        await setPassword(transaction, account.id, checked.password);
        // Whoever knew the old password is signed out.
        await endAllSessions(transaction, account.id);
        await recordAudit(transaction, now, {
          actorAccountId: account.id,
          action: 'set password from emailed link',
          subject: `account ${account.id}`,
        });
        return true;
      });
      if (!done) {
        return reply
          .code(404)
          .page('password-reset/link-expired.njk', { title: 'This link has expired' });
      }
      return reply.redirect('/password-reset/done');
    },

    done(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('password-reset/done.njk', { title: 'Your password has been set' });
    },
  };
}
