import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';
import { queueAccountSetUpEmail } from '../mail/outbox.ts';
import { ROLE_NAMES, type Role } from '../permissions/permissions.ts';
import { createAccount, findAccountByEmail } from './accounts.ts';
import { assignRole, type RoleAssignmentRequest } from './role-assignments.ts';

/** Someone without an account asks for one; an administrator approves (with a role) or rejects. */

export interface AccessRequestInput {
  readonly name: string;
  readonly email: string;
  readonly roleWanted: Role;
  readonly organisations: string;
  readonly reason: string;
}

export interface AccessRequest extends AccessRequestInput {
  readonly id: number;
  readonly status: 'pending' | 'approved' | 'rejected';
  readonly createdAt: Date;
}

export type PendingAccessRequest = Pick<
  AccessRequest,
  'id' | 'name' | 'email' | 'roleWanted' | 'status' | 'createdAt'
>;

export async function submitAccessRequest(
  context: Pick<AppContext, 'database' | 'clock'>,
  input: AccessRequestInput,
): Promise<number> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const [row] = await transaction.query<{ id: number }>(
      `INSERT INTO access_request (name, email, role_wanted, organisations, reason, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [input.name, input.email, input.roleWanted, input.organisations, input.reason, now],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
    await recordAudit(transaction, now, {
      actorAccountId: null,
      action: 'requested access',
      subject: `access request ${row.id}`,
      detail: `${input.email} as ${ROLE_NAMES[input.roleWanted]}`,
    });
    return row.id;
  });
}

export async function findAccessRequest(
  database: Queryable,
  requestId: number,
): Promise<AccessRequest | null> {
  const [found] = await database.query<AccessRequest>(
    `SELECT id, name, email, role_wanted AS "roleWanted", organisations, reason, status,
            created_at AS "createdAt"
       FROM access_request WHERE id = $1`,
    [requestId],
  );
  return found ?? null;
}

/** Oldest first: the order they are to be dealt with. */
export function pendingAccessRequests(database: Queryable): Promise<PendingAccessRequest[]> {
  return database.query<PendingAccessRequest>(
    `SELECT id, name, email, role_wanted AS "roleWanted", status, created_at AS "createdAt"
       FROM access_request WHERE status = 'pending' ORDER BY created_at, id`,
  );
}

export async function countPendingAccessRequests(database: Queryable): Promise<number> {
  const [row] = await database.query<{ pending: number }>(
    "SELECT count(*)::int AS pending FROM access_request WHERE status = 'pending'",
  );
  return row?.pending ?? 0;
}

/**
 * Grants the role, to the account with the request's email or to a new one, and marks the
 * request approved. Someone with no password yet is emailed a link to set one (valid for a
 * week), queued in the same transaction so an approval that fails sends nothing. Null, and the
 * request left pending, if the role's organisation no longer exists.
 */
export async function approveAccessRequest(
  context: Pick<AppContext, 'database' | 'clock' | 'outboxBell'>,
  accessRequest: AccessRequest,
  assignment: RoleAssignmentRequest,
  actorAccountId: number,
): Promise<{ accountId: number } | null> {
  const now = context.clock();
  const approved = await context.database.transaction(async (transaction) => {
    const existing = await findAccountByEmail(transaction, accessRequest.email);
    const accountId =
      existing?.id ??
      (await createAccount(transaction, { email: accessRequest.email, name: accessRequest.name }));
    if ((await assignRole(transaction, accountId, assignment)) === null) return null;
    await transaction.query(
      `UPDATE access_request SET status = 'approved', decided_by = $2, decided_at = $3 WHERE id = $1`,
      [accessRequest.id, actorAccountId, now],
    );
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'approved access request',
      subject: `account ${accountId}`,
      detail: `${accessRequest.email}: ${ROLE_NAMES[assignment.role]}`,
    });
    if (!existing?.hasPassword) await queueAccountSetUpEmail(transaction, now, accountId);
    return { accountId };
  });
  // Once committed, so the sender sees the row.
  if (approved !== null) context.outboxBell.ring();
  return approved;
}

export async function rejectAccessRequest(
  context: Pick<AppContext, 'database' | 'clock'>,
  accessRequest: Pick<AccessRequest, 'id' | 'email'>,
  actorAccountId: number,
): Promise<void> {
  const now = context.clock();
  await context.database.transaction(async (transaction) => {
    await transaction.query(
      `UPDATE access_request SET status = 'rejected', decided_by = $2, decided_at = $3
        WHERE id = $1 AND status = 'pending'`,
      [accessRequest.id, actorAccountId, now],
    );
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'rejected access request',
      subject: `access request ${accessRequest.id}`,
      detail: accessRequest.email,
    });
  });
}
