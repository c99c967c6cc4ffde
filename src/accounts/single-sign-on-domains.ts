import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';

/**
 * Email domains that sign in with single sign-on. For an address in one, password sign-in and
 * password reset are refused; an address in none is refused by single sign-on. Both are asked
 * before any account is looked up, so the answer is the same whether or not the account exists.
 */

/** The domain of an email address, lower case; null for text with no single @. */
export function emailDomain(email: string): string | null {
  const parts = email.trim().toLowerCase().split('@');
  return parts.length === 2 && parts[0] !== '' && parts[1] !== '' ? (parts[1] ?? null) : null;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** A domain as an administrator types it ("nhs.net", "@NHS.net"): the domain, or a problem. */
export function readDomain(
  text: string,
): { ok: true; domain: string } | { ok: false; problem: string } {
  const domain = text.trim().toLowerCase().replace(/^@/, '');
  if (domain === '') return { ok: false, problem: 'Enter an email domain, like nhs.net' };
  if (!DOMAIN.test(domain)) {
    return { ok: false, problem: 'Enter an email domain in the correct format, like nhs.net' };
  }
  return { ok: true, domain };
}

export interface RequiredDomain {
  readonly domain: string;
  readonly addedAt: Date;
  readonly addedByEmail: string | null;
}

export function listSingleSignOnDomains(database: Queryable): Promise<RequiredDomain[]> {
  return database.query<RequiredDomain>(
    `SELECT d.domain, d.added_at AS "addedAt", a.email AS "addedByEmail"
       FROM single_sign_on_domain d LEFT JOIN account a ON a.id = d.added_by
      ORDER BY d.domain`,
  );
}

/** Whether this address signs in with single sign-on, and so never with a password. */
export async function signsInWithSingleSignOn(
  database: Queryable,
  email: string,
): Promise<boolean> {
  const domain = emailDomain(email);
  if (domain === null) return false;
  const rows = await database.query('SELECT 1 FROM single_sign_on_domain WHERE domain = $1', [
    domain,
  ]);
  return rows.length === 1;
}

/** Makes the domain sign in with single sign-on, not passwords; false if it already did. */
export function requireSingleSignOn(
  context: Pick<AppContext, 'database' | 'clock'>,
  domain: string,
  actorAccountId: number,
): Promise<boolean> {
  return changeDomainList(context, domain, actorAccountId, 'required single sign-on', (list, now) =>
    list.query(
      `INSERT INTO single_sign_on_domain (domain, added_by, added_at) VALUES ($1, $2, $3)
       ON CONFLICT (domain) DO NOTHING RETURNING 1`,
      [domain, actorAccountId, now],
    ),
  );
}

/** Returns the domain to passwords, so single sign-on refuses it; false if it was not listed. */
export function stopRequiringSingleSignOn(
  context: Pick<AppContext, 'database' | 'clock'>,
  domain: string,
  actorAccountId: number,
): Promise<boolean> {
  return changeDomainList(
    context,
    domain,
    actorAccountId,
    'stopped requiring single sign-on',
    (list) =>
      list.query('DELETE FROM single_sign_on_domain WHERE domain = $1 RETURNING 1', [domain]),
  );
}

/** One change to the list with its audit entry, in one transaction; false when nothing changed. */
function changeDomainList(
  context: Pick<AppContext, 'database' | 'clock'>,
  domain: string,
  actorAccountId: number,
  action: string,
  change: (list: Queryable, now: Date) => Promise<readonly unknown[]>,
): Promise<boolean> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if ((await change(transaction, now)).length === 0) return false;
    await recordAudit(transaction, now, {
      actorAccountId,
      action,
      subject: `email domain ${domain}`,
    });
    return true;
  });
}
