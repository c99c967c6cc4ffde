import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  ACCOUNT_SET_UP_LINK_MINUTES,
  createAccount,
  createOneTimeLink,
  findAccount,
  findAccountByEmail,
  unlockAccount,
} from '../../accounts/accounts.ts';
import { assignRole, roleAssignmentForm } from '../../accounts/role-assignments.ts';
import { endAllSessions } from '../../accounts/sessions.ts';
import { loadAssignments } from '../../accounts/viewer.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import type { Queryable } from '../../database/database.ts';
import { ROLE_NAMES, type Role, type Viewer } from '../../permissions/permissions.ts';
import { EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { roleAssignmentChoices } from './scope-choices.ts';

interface AccessRequest {
  id: number;
  name: string;
  email: string;
  roleWanted: Role;
  organisations: string;
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: Date;
}

const transferForm = z.object({
  toEmail: z.string().trim().min(1, 'Enter the email address of the account to receive the roles'),
});

const accountSearchForm = z.object({ q: z.string().trim().max(200).optional().default('') });

/** Administrators: requests for access, accounts and their roles. */
export function peopleHandlers(services: Services) {
  const { database, clock, mailer, config } = services;
  const actor = (request: FastifyRequest) => (request.viewer as Viewer).accountId;

  async function findRequest(request: FastifyRequest): Promise<AccessRequest> {
    const [found] = await database.query<AccessRequest>(
      `SELECT id, name, email, role_wanted AS "roleWanted", organisations, reason, status,
              created_at AS "createdAt"
         FROM access_request WHERE id = $1`,
      [idParameter(request.params, 'requestId')],
    );
    if (found === undefined) throw notFound();
    return found;
  }

  async function showRequest(request: FastifyRequest, reply: FastifyReply, form?: FormState) {
    const accessRequest = await findRequest(request);
    const shown = form ?? { ...EMPTY_FORM, values: { role: accessRequest.roleWanted } };
    return reply.page('admin/access-request.njk', {
      title: `Request from ${accessRequest.name}`,
      backHref: '/admin/access-requests',
      accessRequest: { ...accessRequest, roleName: ROLE_NAMES[accessRequest.roleWanted] },
      existingAccount: await findAccountByEmail(database, accessRequest.email),
      choices: await roleAssignmentChoices(database, shown),
      form: shown,
    });
  }

  async function showAccount(
    request: FastifyRequest,
    reply: FastifyReply,
    form = EMPTY_FORM,
    notice?: string,
  ) {
    const account = await findAccount(database, idParameter(request.params, 'accountId'));
    if (account === null) throw notFound();
    const assignments = await loadAssignments(database, account.id);
    return reply.page('admin/account.njk', {
      title: account.name,
      backHref: '/admin/accounts',
      account,
      locked: account.lockedUntil !== null && account.lockedUntil > clock(),
      assignments: assignments.map((assignment) => ({
        ...assignment,
        roleName: ROLE_NAMES[assignment.role],
      })),
      choices: await roleAssignmentChoices(database, form),
      form,
      notice,
    });
  }

  /** Sends the person a link to set their password (as a reset link, valid for a week). */
  async function sendSetUpLink(
    transaction: Queryable,
    accountId: number,
    email: string,
    name: string,
  ) {
    const token = await createOneTimeLink(
      transaction,
      'password-reset',
      accountId,
      clock(),
      ACCOUNT_SET_UP_LINK_MINUTES,
    );
    await mailer.send({
      to: email,
      subject: 'Your IPS Reporting access has been approved',
      text: [
        `Hello ${name},`,
        '',
        'Your request for access to IPS Reporting has been approved.',
        'Use this link to set your password. It works once, for 7 days:',
        `${config.baseUrl}/password-reset/${token}`,
      ].join('\n'),
    });
  }

  return {
    async index(_request: FastifyRequest, reply: FastifyReply) {
      const [row] = await database.query<{ pending: number }>(
        "SELECT count(*)::int AS pending FROM access_request WHERE status = 'pending'",
      );
      return reply.page('admin/index.njk', {
        title: 'Administration',
        pendingRequests: row?.pending ?? 0,
      });
    },

    async accessRequests(_request: FastifyRequest, reply: FastifyReply) {
      const requests = await database.query<AccessRequest>(
        `SELECT id, name, email, role_wanted AS "roleWanted", status, created_at AS "createdAt"
           FROM access_request WHERE status = 'pending' ORDER BY created_at, id`,
      );
      return reply.page('admin/access-requests.njk', {
        title: 'Requests for access',
        width: 'full',
        backHref: '/admin',
        requests: requests.map((each) => ({ ...each, roleName: ROLE_NAMES[each.roleWanted] })),
      });
    },

    accessRequest: (request: FastifyRequest, reply: FastifyReply) => showRequest(request, reply),

    async approve(request: FastifyRequest, reply: FastifyReply) {
      const accessRequest = await findRequest(request);
      if (accessRequest.status !== 'pending') return reply.redirect('/admin/access-requests');
      const read = readForm(roleAssignmentForm, request.body);
      if (!read.ok) return showRequest(request, reply.code(400), read.form);
      const now = clock();
      const accountId = await database.transaction(async (transaction) => {
        const existing = await findAccountByEmail(transaction, accessRequest.email);
        const id =
          existing?.id ??
          (await createAccount(transaction, {
            email: accessRequest.email,
            name: accessRequest.name,
          }));
        if ((await assignRole(transaction, id, read.value)) === null) return null;
        await transaction.query(
          `UPDATE access_request SET status = 'approved', decided_by = $2, decided_at = $3 WHERE id = $1`,
          [accessRequest.id, actor(request), now],
        );
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'approved access request',
          subject: `account ${id}`,
          detail: `${accessRequest.email}: ${ROLE_NAMES[read.value.role]}`,
        });
        if (!existing?.hasPassword) {
          await sendSetUpLink(transaction, id, accessRequest.email, accessRequest.name);
        }
        return id;
      });
      if (accountId === null) {
        return showRequest(
          request,
          reply.code(400),
          formWithErrors(request.body as Record<string, unknown>, {
            role: { text: 'That organisation no longer exists. Choose again' },
          }),
        );
      }
      return reply.redirect(`/admin/accounts/${accountId}?done=approved`);
    },

    async reject(request: FastifyRequest, reply: FastifyReply) {
      const accessRequest = await findRequest(request);
      const now = clock();
      await database.transaction(async (transaction) => {
        await transaction.query(
          `UPDATE access_request SET status = 'rejected', decided_by = $2, decided_at = $3
            WHERE id = $1 AND status = 'pending'`,
          [accessRequest.id, actor(request), now],
        );
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'rejected access request',
          subject: `access request ${accessRequest.id}`,
          detail: accessRequest.email,
        });
      });
      return reply.redirect('/admin/access-requests');
    },

    async accounts(request: FastifyRequest, reply: FastifyReply) {
      const read = readForm(accountSearchForm, request.query);
      const q = read.ok ? read.value.q : '';
      const accounts = await database.query<{
        id: number;
        name: string;
        email: string;
        roles: string | null;
      }>(
        `SELECT a.id, a.name, a.email, string_agg(ra.role, ', ' ORDER BY ra.id) AS roles
           FROM account a LEFT JOIN role_assignment ra ON ra.account_id = a.id
          WHERE $1 = '' OR strpos(lower(a.name || ' ' || a.email), lower($1)) > 0
          GROUP BY a.id ORDER BY lower(a.name) LIMIT 200`,
        [q],
      );
      return reply.page('admin/accounts.njk', {
        title: 'Accounts',
        width: 'full',
        backHref: '/admin',
        q,
        accounts,
      });
    },

    account: (request: FastifyRequest, reply: FastifyReply) => {
      const { done } = request.query as { done?: string };
      const notices: Record<string, string> = {
        approved:
          'Access approved. If the person had no password, they have been emailed a link to set one.',
        assigned: 'Role added.',
        removed: 'Role removed.',
        unlocked: 'Account unlocked.',
        transferred: 'Roles transferred.',
        'two-factor-removed':
          'Second factor removed. The person can sign in with their password and set up a new one.',
        'signed-out': 'Signed out everywhere.',
      };
      return showAccount(request, reply, EMPTY_FORM, done ? notices[done] : undefined);
    },

    async addRole(request: FastifyRequest, reply: FastifyReply) {
      const accountId = idParameter(request.params, 'accountId');
      const read = readForm(roleAssignmentForm, request.body);
      if (!read.ok) return showAccount(request, reply.code(400), read.form);
      const now = clock();
      const added = await database.transaction(async (transaction) => {
        if ((await findAccount(transaction, accountId)) === null) throw notFound();
        const id = await assignRole(transaction, accountId, read.value);
        if (id === null) return false;
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'assigned role',
          subject: `account ${accountId}`,
          detail: `${ROLE_NAMES[read.value.role]} (assignment ${id})`,
        });
        return true;
      });
      if (!added) {
        return showAccount(
          request,
          reply.code(400),
          formWithErrors(request.body as Record<string, unknown>, {
            role: { text: 'That organisation no longer exists. Choose again' },
          }),
        );
      }
      return reply.redirect(`/admin/accounts/${accountId}?done=assigned`);
    },

    async removeRole(request: FastifyRequest, reply: FastifyReply) {
      const accountId = idParameter(request.params, 'accountId');
      const assignmentId = idParameter(request.params, 'assignmentId');
      const now = clock();
      await database.transaction(async (transaction) => {
        const removed = await transaction.query<{ role: Role }>(
          'DELETE FROM role_assignment WHERE id = $1 AND account_id = $2 RETURNING role',
          [assignmentId, accountId],
        );
        if (removed[0] === undefined) throw notFound();
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'removed role',
          subject: `account ${accountId}`,
          detail: `${ROLE_NAMES[removed[0].role]} (assignment ${assignmentId})`,
        });
      });
      return reply.redirect(`/admin/accounts/${accountId}?done=removed`);
    },

    /** Account actions with nothing to fill in: unlock, remove second factor, sign out everywhere. */
    accountAction(action: 'unlock' | 'remove-two-factor' | 'sign-out-everywhere') {
      return async (request: FastifyRequest, reply: FastifyReply) => {
        const accountId = idParameter(request.params, 'accountId');
        const now = clock();
        await database.transaction(async (transaction) => {
          if ((await findAccount(transaction, accountId)) === null) throw notFound();
          if (action === 'unlock') await unlockAccount(transaction, accountId);
          if (action === 'remove-two-factor') {
            await transaction.query(
              'UPDATE account SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1',
              [accountId],
            );
          }
          if (action === 'sign-out-everywhere') await endAllSessions(transaction, accountId);
          await recordAudit(transaction, now, {
            actorAccountId: actor(request),
            action: action.replaceAll('-', ' '),
            subject: `account ${accountId}`,
          });
        });
        const done = {
          unlock: 'unlocked',
          'remove-two-factor': 'two-factor-removed',
          'sign-out-everywhere': 'signed-out',
        }[action];
        return reply.redirect(`/admin/accounts/${accountId}?done=${done}`);
      };
    },

    /** A person leaves and another takes over: every role assignment moves to the other account. */
    async transferRoles(request: FastifyRequest, reply: FastifyReply) {
      const accountId = idParameter(request.params, 'accountId');
      const body = request.body as Record<string, unknown>;
      const read = readForm(transferForm, body);
      if (!read.ok) return showAccount(request, reply.code(400), read.form);
      const target = await findAccountByEmail(database, read.value.toEmail);
      if (target === null || target.id === accountId) {
        return showAccount(
          request,
          reply.code(400),
          formWithErrors(body, {
            toEmail: {
              text:
                target === null
                  ? 'There is no account with that email address. The person must request access first'
                  : 'Enter the email address of a different account',
            },
          }),
        );
      }
      const now = clock();
      await database.transaction(async (transaction) => {
        const moved = await transaction.query(
          'UPDATE role_assignment SET account_id = $2 WHERE account_id = $1 RETURNING id',
          [accountId, target.id],
        );
        await endAllSessions(transaction, accountId);
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'transferred roles',
          subject: `account ${accountId}`,
          detail: `${moved.length} role assignments to account ${target.id} (${target.email})`,
        });
      });
      return reply.redirect(`/admin/accounts/${accountId}?done=transferred`);
    },
  };
}
