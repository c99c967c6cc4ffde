import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  approveAccessRequest,
  countPendingAccessRequests,
  findAccessRequest,
  pendingAccessRequests,
  rejectAccessRequest,
} from '../../accounts/access-requests.ts';
import {
  type AccountAction,
  addRoleToAccount,
  applyAccountAction,
  removeRoleFromAccount,
  searchAccounts,
  transferRoles,
} from '../../accounts/account-administration.ts';
import { findAccount, findAccountByEmail } from '../../accounts/accounts.ts';
import { roleAssignmentForm } from '../../accounts/role-assignments.ts';
import { loadAssignments } from '../../accounts/viewer.ts';
import { ROLE_NAMES, type Viewer } from '../../permissions/permissions.ts';
import { recentSignInFailures } from '../../security/sign-in-failures.ts';
import { doneNotice, EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { roleAssignmentChoices } from './scope-choices.ts';

const transferForm = z.object({
  toEmail: z.string().trim().min(1, 'Enter the email address of the account to receive the roles'),
});

const accountSearchForm = z.object({ q: z.string().trim().max(200).optional().default('') });

const ACCOUNT_NOTICES = {
  approved:
    'Access approved. If the person had no password, they have been emailed a link to set one.',
  assigned: 'Role added.',
  removed: 'Role removed.',
  unlocked: 'Failed sign-ins cleared: the person can try again from any address at once.',
  transferred: 'Roles transferred.',
  'two-factor-removed':
    'Second factor removed. The person can sign in with their password and set up a new one.',
  'signed-out': 'Signed out everywhere.',
} as const;

const ACTION_DONE = {
  unlock: 'unlocked',
  'remove-two-factor': 'two-factor-removed',
  'sign-out-everywhere': 'signed-out',
} as const satisfies Record<AccountAction, keyof typeof ACCOUNT_NOTICES>;

const ORGANISATION_GONE = { role: { text: 'That organisation no longer exists. Choose again' } };

/** Administrators: requests for access, accounts and their roles. */
export function peopleHandlers(services: Services) {
  const { database, clock } = services;
  const actor = (request: FastifyRequest) => (request.viewer as Viewer).accountId;

  async function findRequest(request: FastifyRequest) {
    const found = await findAccessRequest(database, idParameter(request.params, 'requestId'));
    if (found === null) throw notFound();
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
      failedSignIns: await recentSignInFailures(database, account.id, clock()),
      assignments: assignments.map((assignment) => ({
        ...assignment,
        roleName: ROLE_NAMES[assignment.role],
      })),
      choices: await roleAssignmentChoices(database, form),
      form,
      notice,
    });
  }

  return {
    async index(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('admin/index.njk', {
        title: 'Administration',
        pendingRequests: await countPendingAccessRequests(database),
      });
    },

    async accessRequests(_request: FastifyRequest, reply: FastifyReply) {
      const requests = await pendingAccessRequests(database);
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
      const approved = await approveAccessRequest(
        services,
        accessRequest,
        read.value,
        actor(request),
      );
      if (approved === null) {
        return showRequest(
          request,
          reply.code(400),
          formWithErrors(request.body, ORGANISATION_GONE),
        );
      }
      return reply.redirect(`/admin/accounts/${approved.accountId}?done=approved`);
    },

    async reject(request: FastifyRequest, reply: FastifyReply) {
      await rejectAccessRequest(services, await findRequest(request), actor(request));
      return reply.redirect('/admin/access-requests');
    },

    async accounts(request: FastifyRequest, reply: FastifyReply) {
      const read = readForm(accountSearchForm, request.query);
      const q = read.ok ? read.value.q : '';
      return reply.page('admin/accounts.njk', {
        title: 'Accounts',
        width: 'full',
        backHref: '/admin',
        q,
        accounts: await searchAccounts(database, q),
      });
    },

    account: (request: FastifyRequest, reply: FastifyReply) =>
      showAccount(request, reply, EMPTY_FORM, doneNotice(ACCOUNT_NOTICES, request.query)),

    async addRole(request: FastifyRequest, reply: FastifyReply) {
      const accountId = idParameter(request.params, 'accountId');
      const read = readForm(roleAssignmentForm, request.body);
      if (!read.ok) return showAccount(request, reply.code(400), read.form);
      const added = await addRoleToAccount(services, {
        accountId,
        assignment: read.value,
        actorAccountId: actor(request),
      });
      if (added === 'no-such-account') throw notFound();
      if (added === 'organisation-gone') {
        return showAccount(
          request,
          reply.code(400),
          formWithErrors(request.body, ORGANISATION_GONE),
        );
      }
      return reply.redirect(`/admin/accounts/${accountId}?done=assigned`);
    },

    async removeRole(request: FastifyRequest, reply: FastifyReply) {
      const accountId = idParameter(request.params, 'accountId');
      const removed = await removeRoleFromAccount(services, {
        accountId,
        assignmentId: idParameter(request.params, 'assignmentId'),
        actorAccountId: actor(request),
      });
      if (!removed) throw notFound();
      return reply.redirect(`/admin/accounts/${accountId}?done=removed`);
    },

    /** Account actions with nothing to fill in: clear failed sign-ins, remove second factor, sign out everywhere. */
    accountAction(action: AccountAction) {
      return async (request: FastifyRequest, reply: FastifyReply) => {
        const accountId = idParameter(request.params, 'accountId');
        if (
          !(await applyAccountAction(services, {
            accountId,
            action,
            actorAccountId: actor(request),
          }))
        ) {
          throw notFound();
        }
        return reply.redirect(`/admin/accounts/${accountId}?done=${ACTION_DONE[action]}`);
      };
    },

    /** A person leaves and another takes over: every role assignment moves to the other account. */
    async transferRoles(request: FastifyRequest, reply: FastifyReply) {
      const accountId = idParameter(request.params, 'accountId');
      const read = readForm(transferForm, request.body);
      if (!read.ok) return showAccount(request, reply.code(400), read.form);
      const transfer = await transferRoles(services, {
        fromAccountId: accountId,
        toEmail: read.value.toEmail,
        actorAccountId: actor(request),
      });
      if (transfer.kind !== 'transferred') {
        const text =
          transfer.kind === 'no-such-account'
            ? 'There is no account with that email address. The person must request access first'
            : 'Enter the email address of a different account';
        return showAccount(
          request,
          reply.code(400),
          formWithErrors(request.body, { toEmail: { text } }),
        );
      }
      return reply.redirect(`/admin/accounts/${accountId}?done=transferred`);
    },
  };
}
