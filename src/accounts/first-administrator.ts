import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { createAccount, findOneTimeLink, hasAdministrator, useOneTimeLink } from './accounts.ts';
import { hashPassword } from './passwords.ts';
import { assignRole } from './role-assignments.ts';

/** The one-time link `npm start` prints on an empty database, to create the first administrator. */

/** The link works while it is unused and unexpired, and only until there is an administrator. */
export async function firstAdministratorLinkIsValid(
  context: Pick<AppContext, 'database' | 'clock'>,
  token: string,
): Promise<boolean> {
  return (
    !(await hasAdministrator(context.database)) &&
    (await findOneTimeLink(context.database, 'first-administrator', token, context.clock())) !==
      null
  );
}

/** Uses the link to create the administrator's account; false if it was used meanwhile. */
export async function createFirstAdministrator(
  context: Pick<AppContext, 'database' | 'clock'>,
  token: string,
  administrator: { readonly name: string; readonly email: string; readonly password: string },
): Promise<boolean> {
  // Hashed before the transaction: it is slow by design, and holds nothing open meanwhile.
  const passwordHash = await hashPassword(administrator.password);
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if (!(await useOneTimeLink(transaction, 'first-administrator', token, now))) return false;
    const accountId = await createAccount(transaction, {
      name: administrator.name,
      email: administrator.email,
      passwordHash,
    });
    await assignRole(transaction, accountId, {
      role: 'administrator',
      teamId: null,
      serviceId: null,
      icsId: null,
      regionId: null,
    });
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'created the first administrator',
      subject: `account ${accountId}`,
    });
    return true;
  });
}
