import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  accountOfResetLink,
  requestPasswordReset,
  setPasswordFromLink,
} from '../../accounts/password-reset.ts';
import { passwordProblem } from '../../accounts/passwords.ts';
import { signsInWithSingleSignOn } from '../../accounts/single-sign-on-domains.ts';
import { EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import type { Services } from '../services.ts';
import { SINGLE_SIGN_ON_REQUIRED } from '../sign-in/sign-in.ts';

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

const linkParameters = z.object({ token: z.string().max(200) });

/** The token of a one-time link's URL; null for a URL no link could have. */
export function linkToken(params: unknown): string | null {
  const read = linkParameters.safeParse(params);
  return read.success ? read.data.token : null;
}

export function linkExpired(reply: FastifyReply) {
  return reply
    .code(404)
    .page('password-reset/link-expired.njk', { title: 'This link has expired' });
}

/**
 * Password reset by a one-time emailed link. The page says the same whether or not the email
 * has an account, so it cannot be used to find out who has one.
 */
export function passwordResetHandlers(services: Services) {
  /** The link the URL names, with its account, while it is unused and unexpired. */
  async function resetLinkOf(request: FastifyRequest) {
    const token = linkToken(request.params);
    const account = token === null ? null : await accountOfResetLink(services, token);
    return token === null || account === null ? null : { token, account };
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
      // Asked of the address alone, so the answer reveals no account.
      if (await signsInWithSingleSignOn(services.database, read.value.email)) {
        return reply.code(400).page('password-reset/request.njk', {
          title: 'Reset your password',
          form: formWithErrors(request.body, { email: { text: SINGLE_SIGN_ON_REQUIRED } }),
        });
      }
      await requestPasswordReset(services, read.value.email);
      return reply.redirect('/password-reset/sent');
    },

    sent(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('password-reset/sent.njk', { title: 'Check your email' });
    },

    async showNewPassword(request: FastifyRequest, reply: FastifyReply) {
      const link = await resetLinkOf(request);
      if (link === null) return linkExpired(reply);
      const { token, account } = link;
      return reply.page('password-reset/new-password.njk', {
        title: 'Set a new password',
        form: EMPTY_FORM,
        token,
        email: account.email,
      });
    },

    async setNewPassword(request: FastifyRequest, reply: FastifyReply) {
      const link = await resetLinkOf(request);
      if (link === null) return linkExpired(reply);
      const { token, account } = link;
      const checked = newPasswordFormProblem(request.body, account.email);
      if (!checked.ok) {
        return reply.code(400).page('password-reset/new-password.njk', {
          title: 'Set a new password',
          form: checked.form,
          token,
          email: account.email,
        });
      }
      if (!(await setPasswordFromLink(services, token, account.id, checked.password))) {
        return linkExpired(reply);
      }
      return reply.redirect('/password-reset/done');
    },

    done(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('password-reset/done.njk', { title: 'Your password has been set' });
    },
  };
}
