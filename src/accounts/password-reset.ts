import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { endAllAccess } from './account-access.ts';
import {
  type Account,
  createOneTimeLink,
  findAccount,
  findAccountByEmail,
  findOneTimeLink,
  PASSWORD_RESET_LINK_MINUTES,
  setPassword,
  useOneTimeLink,
} from './accounts.ts';

/**
 * Password reset by a one-time emailed link (also the link an approved request's new account
 * gets to set its first password).
 */

/**
 * Emails a reset link if an account has this address; nothing otherwise, and the caller says the
 * same either way, so it cannot be used to find out who has an account.
 */
export async function requestPasswordReset(
  context: Pick<AppContext, 'database' | 'clock' | 'mailer' | 'config'>,
  email: string,
): Promise<void> {
  const account = await findAccountByEmail(context.database, email);
  if (account === null) return;
  const token = await createOneTimeLink(
    context.database,
    'password-reset',
    account.id,
    context.clock(),
    PASSWORD_RESET_LINK_MINUTES,
  );
  await context.mailer.send({
    to: account.email,
    subject: 'Reset your IPS Reporting password',
    text: [
      `Hello ${account.name},`,
      '',
      'Use this link to set a new password for IPS Reporting:',
      `${context.config.baseUrl}/password-reset/${token}`,
      '',
      `The link works once, for ${PASSWORD_RESET_LINK_MINUTES} minutes.`,
      'If you did not ask to reset your password, you can ignore this email.',
    ].join('\n'),
  });
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
