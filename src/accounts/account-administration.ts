import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';
import { ROLE_NAMES, type Role } from '../permissions/permissions.ts';
import { clearSignInFailures } from '../security/sign-in-failures.ts';
import { endAllAccess } from './account-access.ts';
import { findAccount, findAccountByEmail } from './accounts.ts';
import { revokeAllApiTokens } from './api-tokens.ts';
import { assignRole, type RoleAssignmentRequest } from './role-assignments.ts';
import { clearSecondFactor } from './second-factor.ts';

/**
 * What administrators do to accounts: find them, grant and remove roles, clear failed sign-ins,
 * hand over.
 */

type Context = Pick<AppContext, 'database' | 'clock'>;

export interface AccountListing {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  /** The roles held, in the order granted, comma-separated; null for none. */
  readonly roles: string | null;
}

/** Accounts whose name or email holds `text` (any case); all of them, to 200, for ''. */
export function searchAccounts(database: Queryable, text: string): Promise<AccountListing[]> {
  return database.query<AccountListing>(
    `SELECT a.id, a.name, a.email, string_agg(ra.role, ', ' ORDER BY ra.id) AS roles
       FROM account a LEFT JOIN role_assignment ra ON ra.account_id = a.id
      WHERE $1 = '' OR strpos(lower(a.name || ' ' || a.email), lower($1)) > 0
      GROUP BY a.id ORDER BY lower(a.name) LIMIT 200`,
    [text],
  );
}

export async function addRoleToAccount(
  context: Context,
  change: { accountId: number; assignment: RoleAssignmentRequest; actorAccountId: number },
): Promise<'added' | 'no-such-account' | 'organisation-gone'> {
  const { accountId, assignment, actorAccountId } = change;
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if ((await findAccount(transaction, accountId)) === null) return 'no-such-account';
    const id = await assignRole(transaction, accountId, assignment);
    if (id === null) return 'organisation-gone';
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'assigned role',
      subject: `account ${accountId}`,
      detail: `${ROLE_NAMES[assignment.role]} (assignment ${id})`,
    });
    return 'added';
  });
}

/** False if the account holds no such assignment. */
export async function removeRoleFromAccount(
  context: Context,
  change: { accountId: number; assignmentId: number; actorAccountId: number },
): Promise<boolean> {
  const { accountId, assignmentId, actorAccountId } = change;
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const [removed] = await transaction.query<{ role: Role }>(
      'DELETE FROM role_assignment WHERE id = $1 AND account_id = $2 RETURNING role',
      [assignmentId, accountId],
    );
    if (removed === undefined) return false;
    // A token made under the role must not outlive it; the owner makes a new one if still needed.
    await revokeAllApiTokens(transaction, accountId, now);
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'removed role',
      subject: `account ${accountId}`,
      detail: `${ROLE_NAMES[removed.role]} (assignment ${assignmentId})`,
    });
    return true;
  });
}

/** The account actions with nothing to fill in. */
export type AccountAction = 'unlock' | 'remove-two-factor' | 'sign-out-everywhere';

/** False if there is no such account. */
export async function applyAccountAction(
  context: Context,
  change: { accountId: number; action: AccountAction; actorAccountId: number },
): Promise<boolean> {
  const { accountId, action, actorAccountId } = change;
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if ((await findAccount(transaction, accountId)) === null) return false;
    if (action === 'unlock') await clearSignInFailures(transaction, accountId);
    if (action === 'remove-two-factor') await clearSecondFactor(transaction, accountId);
    if (action === 'sign-out-everywhere') await endAllAccess(transaction, accountId, now);
    await recordAudit(transaction, now, {
      actorAccountId,
      action: action.replaceAll('-', ' '),
      subject: `account ${accountId}`,
    });
    return true;
  });
}

export type TransferOutcome =
  | { readonly kind: 'transferred'; readonly moved: number }
  | { readonly kind: 'no-such-account' }
  | { readonly kind: 'same-account' };

/**
 * A person leaves and another takes over: every role assignment moves to the account with
 * `toEmail`, which must already exist and be another account. The one who left is signed out.
 */
export async function transferRoles(
  context: Context,
  change: { fromAccountId: number; toEmail: string; actorAccountId: number },
): Promise<TransferOutcome> {
  const { fromAccountId, actorAccountId } = change;
  const target = await findAccountByEmail(context.database, change.toEmail);
  if (target === null) return { kind: 'no-such-account' };
  if (target.id === fromAccountId) return { kind: 'same-account' };
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const moved = await transaction.query(
      'UPDATE role_assignment SET account_id = $2 WHERE account_id = $1 RETURNING id',
      [fromAccountId, target.id],
    );
    await endAllAccess(transaction, fromAccountId, now);
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'transferred roles',
      subject: `account ${fromAccountId}`,
      detail: `${moved.length} role assignments to account ${target.id} (${target.email})`,
    });
    return { kind: 'transferred', moved: moved.length };
  });
}
