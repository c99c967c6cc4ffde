import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';
import { revokeAllApiTokens } from './api-tokens.ts';
import { endAllSessions } from './sessions.ts';

/**
 * Every way into an account at once: its sessions on every device and its API tokens. Whoever
 * had a session or a token (a stolen one, a shared one) is out after a password reset or a
 * "sign out everywhere".
 */
export async function endAllAccess(
  database: Queryable,
  accountId: number,
  now: Date,
): Promise<void> {
  await endAllSessions(database, accountId);
  await revokeAllApiTokens(database, accountId, now);
}

/** A person signs themselves out everywhere, from their account page. */
export async function signOutEverywhere(
  context: Pick<AppContext, 'database' | 'clock'>,
  accountId: number,
): Promise<void> {
  const now = context.clock();
  await context.database.transaction(async (transaction) => {
    await endAllAccess(transaction, accountId, now);
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'signed out everywhere',
      subject: `account ${accountId}`,
    });
  });
}
