import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';
import { verifyTotp } from './totp.ts';

/**
 * The second factor: a TOTP secret set up from the account page and asked for at each sign-in.
 * Each code is good once: the step it was for is kept, and a code for it or an earlier step fails.
 */

/**
 * Keeps the secret if `code` is the one the person's app shows for it now; false (and nothing
 * kept) if it is not.
 */
export async function setUpSecondFactor(
  context: Pick<AppContext, 'database' | 'clock'>,
  accountId: number,
  given: { readonly secret: string; readonly code: string },
): Promise<boolean> {
  const verified = verifyTotp(given.secret, given.code, context.clock().getTime(), null);
  if (!verified.ok) return false;
  await context.database.transaction(async (transaction) => {
    await transaction.query(
      'UPDATE account SET totp_secret = $2, totp_last_step = $3 WHERE id = $1',
      [accountId, given.secret, verified.step],
    );
    await recordAudit(transaction, context.clock(), {
      actorAccountId: accountId,
      action: 'set up second factor',
      subject: `account ${accountId}`,
    });
  });
  return true;
}

/** The person removes their own second factor. */
export async function removeSecondFactor(
  context: Pick<AppContext, 'database' | 'clock'>,
  accountId: number,
): Promise<void> {
  await context.database.transaction(async (transaction) => {
    await clearSecondFactor(transaction, accountId);
    await recordAudit(transaction, context.clock(), {
      actorAccountId: accountId,
      action: 'removed second factor',
      subject: `account ${accountId}`,
    });
  });
}

/** No second factor any more: the next sign-in is by password alone. */
export async function clearSecondFactor(database: Queryable, accountId: number): Promise<void> {
  await database.query(
    'UPDATE account SET totp_secret = NULL, totp_last_step = NULL WHERE id = $1',
    [accountId],
  );
}

/** At sign-in: whether `code` is the account's current one, used up if so. */
export async function checkSecondFactor(
  context: Pick<AppContext, 'database' | 'clock'>,
  accountId: number,
  code: string,
): Promise<boolean> {
  const [account] = await context.database.query<{
    secret: string | null;
    lastStep: number | null;
  }>('SELECT totp_secret AS secret, totp_last_step AS "lastStep" FROM account WHERE id = $1', [
    accountId,
  ]);
  if (account === undefined || account.secret === null) return false;
  const verified = verifyTotp(account.secret, code, context.clock().getTime(), account.lastStep);
  if (!verified.ok) return false;
  await context.database.query('UPDATE account SET totp_last_step = $2 WHERE id = $1', [
    accountId,
    verified.step,
  ]);
  return true;
}
