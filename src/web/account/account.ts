import type { FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import { findAccount } from '../../accounts/accounts.ts';
import { createApiToken, listApiTokens, revokeApiToken } from '../../accounts/api-tokens.ts';
import { generateTotpSecret, otpauthUri, verifyTotp } from '../../accounts/totp.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { ROLE_NAMES } from '../../permissions/permissions.ts';
import { EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

const newTokenForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter a name for the token, such as the system that will use it')
    .max(100, 'Name must be 100 characters or fewer'),
});

const totpForm = z.object({
  secret: z.string().regex(/^[A-Z2-7]{32}$/),
  code: z
    .string()
    .transform((code) => code.replace(/\s/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'Enter the 6-digit code from your authenticator app')),
});

/** The account page: roles held, second factor, personal API tokens, sign out everywhere. */
export function accountHandlers(services: Services) {
  const { database, clock } = services;

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
      tokens: await listApiTokens(database, viewer.accountId),
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
    show: (request: FastifyRequest, reply: FastifyReply) => {
      const { done } = request.query as { done?: string };
      const notices: Record<string, string> = {
        'two-factor-on':
          'Your second factor is set up. You will be asked for a code when you sign in.',
        'two-factor-off': 'Your second factor has been removed.',
        'token-revoked': 'The API token has been revoked.',
      };
      return showAccount(request, reply, { notice: done ? notices[done] : undefined });
    },

    async createToken(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      const read = readForm(newTokenForm, request.body);
      if (!read.ok) return showAccount(request, reply.code(400), { form: read.form });
      const now = clock();
      const token = await database.transaction(async (transaction) => {
        const created = await createApiToken(transaction, viewer.accountId, read.value.name, now);
        await recordAudit(transaction, now, {
          actorAccountId: viewer.accountId,
          action: 'created API token',
          subject: `account ${viewer.accountId}`,
          detail: read.value.name,
        });
        return created;
      });
      // Shown once, in this response only; from now on only its hash exists.
      return showAccount(request, reply, { newToken: token });
    },

    async revokeToken(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      const tokenId = idParameter(request.params, 'tokenId');
      const now = clock();
      const revoked = await database.transaction(async (transaction) => {
        if (!(await revokeApiToken(transaction, viewer.accountId, tokenId, now))) return false;
        await recordAudit(transaction, now, {
          actorAccountId: viewer.accountId,
          action: 'revoked API token',
          subject: `account ${viewer.accountId}`,
          detail: `token ${tokenId}`,
        });
        return true;
      });
      if (!revoked) throw notFound();
      return reply.redirect('/account?done=token-revoked');
    },

    showTwoFactor(request: FastifyRequest, reply: FastifyReply) {
      return showTwoFactorSetUp(request, reply, generateTotpSecret(), EMPTY_FORM);
    },

    async setUpTwoFactor(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      const body = request.body as Record<string, unknown>;
      const read = readForm(totpForm, body);
      const secret =
        typeof body.secret === 'string' && /^[A-Z2-7]{32}$/.test(body.secret)
          ? body.secret
          : generateTotpSecret();
      const now = clock().getTime();
      const verified = read.ok ? verifyTotp(read.value.secret, read.value.code, now, null) : null;
      if (!read.ok || !verified?.ok) {
        const form = read.ok
          ? formWithErrors(body, {
              code: { text: 'The code is not right. Enter the code your app shows now' },
            })
          : read.form;
        return showTwoFactorSetUp(request, reply.code(400), secret, form);
      }
      await database.transaction(async (transaction) => {
        await transaction.query(
          'UPDATE account SET totp_secret = $2, totp_last_step = $3 WHERE id = $1',
          [viewer.accountId, read.value.secret, verified.step],
        );
        await recordAudit(transaction, clock(), {
          actorAccountId: viewer.accountId,
          action: 'set up second factor',
          subject: `account ${viewer.accountId}`,
        });
      });
      return reply.redirect('/account?done=two-factor-on');
    },

    async removeTwoFactor(request: FastifyRequest, reply: FastifyReply) {
      const viewer = viewerOf(request);
      await database.transaction(async (transaction) => {
        await transaction.query(
          'UPDATE account SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1',
          [viewer.accountId],
        );
        await recordAudit(transaction, clock(), {
          actorAccountId: viewer.accountId,
          action: 'removed second factor',
          subject: `account ${viewer.accountId}`,
        });
      });
      return reply.redirect('/account?done=two-factor-off');
    },
  };
}
