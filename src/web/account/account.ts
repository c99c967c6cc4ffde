import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { findAccount } from '../../accounts/accounts.ts';
import { issueApiToken, listApiTokens, withdrawApiToken } from '../../accounts/api-tokens.ts';
import { removeSecondFactor, setUpSecondFactor } from '../../accounts/second-factor.ts';
import { generateTotpSecret, otpauthUri } from '../../accounts/totp.ts';
import { ROLE_NAMES } from '../../permissions/permissions.ts';
import { doneNotice, EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

const newTokenForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name for the token, such as the system that will use it')
    .max(100, 'Name must be 100 characters or fewer'),
});

const totpSecretField = z.object({ secret: z.string().regex(/^[A-Z2-7]{32}$/) });

const totpForm = totpSecretField.extend({
  code: z
    .string()
    .transform((code) => code.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app')),
});

const ACCOUNT_NOTICES = {
  'two-factor-on': 'Your second factor is set up. You will be asked for a code when you sign in.',
  'two-factor-off': 'Your second factor has been removed.',
  'token-revoked': 'The API token has been revoked.',
} as const;

/** The account page: roles held, second factor, personal API tokens, sign out everywhere. */
export function accountHandlers(services: Services) {
  const { database } = services;

  function viewerOf(request: FastifyRequest) {
    if (request.viewer === null) throw forbidden();
    return request.viewer;
  }

  async function showAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { form?: FormState; newToken?: string; notice?: string | undefined } = {},
  ) {
    const viewer = viewerOf(request);
    const account = await findAccount(database, viewer.accountId);
    return reply.page('account/account.njk', {
      title: 'Your account',
      width: 'full',
      account,
      roles: viewer.assignments.map((assignment) => ({
        role: ROLE_NAMES[assignment.role],
        scope: assignment.scopeName,
        dataGovernanceLead: assignment.dataGovernanceLead,
      })),
      tokens: (await listApiTokens(database, viewer.accountId)).map((token) => ({
        ...token,
        expired: token.expiresAt <= services.clock(),
      })),
      tokenDays: services.config.apiTokenDays,
      form: extra.form ?? EMPTY_FORM,
      newToken: extra.newToken,
      notice: extra.notice,
    });
  }

  async function showTwoFactorSetUp(
    request: FastifyRequest,
    reply: FastifyReply,
    secret: string,
    form: FormState,
  ) {
    const viewer = viewerOf(request);
    const uri = otpauthUri({ secretBase32: secret, accountEmail: viewer.email });
    return reply.page('account/two-factor.njk', {
      title: 'Set up a second factor',
      secret,
      qrCode: await QRCode.toString(uri, { type: 'svg', margin: 1 }),
      form,
    });
  }

  return {
    show: (request: FastifyRequest, reply: FastifyReply) =>
      showAccount(request, reply, { notice: doneNotice(ACCOUNT_NOTICES, request.query) }),

    async createToken(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      const read = readForm(newTokenForm, request.body);
      if (!read.ok) return showAccount(request, reply.code(400), { form: read.form });
      const token = await issueApiToken(services, viewer.accountId, read.value.name);
      // Shown once, in this response only; from now on only its hash exists.
      return showAccount(request, reply, { newToken: token });
    },

    async revokeToken(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      const tokenId = idParameter(request.params, 'tokenId');
      if (!(await withdrawApiToken(services, viewer.accountId, tokenId))) throw notFound();
      return reply.redirect('/account?done=token-revoked');
    },

    showTwoFactor(request: FastifyRequest, reply: FastifyReply) {
      return showTwoFactorSetUp(request, reply, generateTotpSecret(), EMPTY_FORM);
    },

    async setUpTwoFactor(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      const read = readForm(totpForm, request.body);
      if (read.ok && (await setUpSecondFactor(services, viewer.accountId, read.value))) {
        return reply.redirect('/account?done=two-factor-on');
      }
      // The same secret again, so the app already set up with it still matches.
      const sent = readForm(totpSecretField, request.body);
      const secret = sent.ok ? sent.value.secret : generateTotpSecret();
      const form = read.ok
        ? formWithErrors(request.body, {
            code: { text: 'The code is not right. Enter the code your app shows now' },
          })
        : read.form;
      return showTwoFactorSetUp(request, reply.code(400), secret, form);
    },

    async removeTwoFactor(request: FastifyRequest, reply: FastifyReply) {
      await removeSecondFactor(services, viewerOf(request).accountId);
      return reply.redirect('/account?done=two-factor-off');
    },
  };
}
