import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { queuePasswordResetEmail } from '../mail/outbox.ts';
import { endAllAccess } from './account-access.ts';
import {
  type Account,
  findAccount,
  findOneTimeLink,
  setPassword,
  useOneTimeLink,
} from './accounts.ts';

/**
 * Password reset by a one-time emailed link (also the link an approved request's new account
 * gets to set its first password).
 */

/**
 * Queues a reset link for the address typed, whether or not an account has it: the request does
 * the same work either way and never waits for SMTP, so neither its answer nor its timing tells
 * who has an account. The background sender (src/mail/outbox.ts) emails the account, if any.
 */
export async function requestPasswordReset(
  context: Pick<AppContext, 'database' | 'clock' | 'outboxBell'>,
  email: string,
): Promise<void> {
  await queuePasswordResetEmail(context.database, context.clock(), email);
  context.outboxBell.ring();
}

/** The account an unused, unexpired reset link is for; null for any other token. */
export async function accountOfResetLink(
  context: Pick<AppContext, 'database' | 'clock'>,
  token: string,
): Promise<Account | null> {
  const link = await findOneTimeLink(context.database, 'password-reset', token, context.clock());
  return link?.accountId ? findAccount(context.database, link.accountId) : null;
}

/**
 * Uses the link and sets the password; whoever knew the old one is signed out and the account's
 * API tokens are revoked. False (and nothing changed) if the link was used or expired meanwhile.
 */
export async function setPasswordFromLink(
  context: Pick<AppContext, 'database' | 'clock'>,
  token: string,
  accountId: number,
  password: string,
): Promise<boolean> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if (!(await useOneTimeLink(transaction, 'password-reset', token, now))) return false;
    await setPassword(transaction, accountId, password);
    await endAllAccess(transaction, accountId, now);
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'set password from emailed link',
      subject: `account ${accountId}`,
    });
    return true;
  });
}
