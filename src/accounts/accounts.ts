import type { Queryable } from '../database/database.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import { hashSecretToken, newSecretToken } from './secret-tokens.ts';

/** docs/DESIGN.md: locked after repeated failures. Five wrong passwords lock the account for 15 minutes. */
export const SIGN_IN_ATTEMPTS_BEFORE_LOCK = 5;
export const LOCK_MINUTES = 15;
export const PASSWORD_RESET_LINK_MINUTES = 60;
/** An approved request's link to set a first password: a week, since people are on leave. */
export const ACCOUNT_SET_UP_LINK_MINUTES = 7 * 24 * 60;
export const FIRST_ADMINISTRATOR_LINK_MINUTES = 24 * 60;

export interface Account {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly hasPassword: boolean;
  readonly totpEnabled: boolean;
  readonly lockedUntil: Date | null;
  readonly termsVersionAccepted: number | null;
}

const ACCOUNT_COLUMNS = `id, email, name, password_hash IS NOT NULL AS "hasPassword",
  totp_secret IS NOT NULL AS "totpEnabled", locked_until AS "lockedUntil",
  terms_version_accepted AS "termsVersionAccepted"`;

export async function findAccount(database: Queryable, accountId: number): Promise<Account | null> {
  const [account] = await database.query<Account>(
    `SELECT ${ACCOUNT_COLUMNS} FROM account WHERE id = $1`,
    [accountId],
  );
  return account ?? null;
}

/** Emails match case-insensitively (and ignoring spaces around them). */
export async function findAccountByEmail(
  database: Queryable,
  email: string,
): Promise<Account | null> {
  const [account] = await database.query<Account>(
    `SELECT ${ACCOUNT_COLUMNS} FROM account WHERE lower(email) = lower($1)`,
    [email.trim()],
  );
  return account ?? null;
}

export async function createAccount(
  database: Queryable,
  details: { email: string; name: string; passwordHash?: string | null },
): Promise<number> {
  const [row] = await database.query<{ id: number }>(
    'INSERT INTO account (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id',
    [details.email.trim(), details.name.trim(), details.passwordHash ?? null],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}

export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly accountId: number; readonly needsSecondFactor: boolean }
  | { readonly kind: 'wrong-email-or-password' }
  | { readonly kind: 'locked'; readonly accountId: number; readonly until: Date };

/**
 * Checks an email and password, counting failures: the fifth in a row locks the account for
 * 15 minutes, during which even the right password is refused.
 */
export async function attemptSignIn(
  database: Queryable,
  email: string,
  password: string,
  now: Date,
): Promise<SignInOutcome> {
  const [account] = await database.query<{
    id: number;
    passwordHash: string | null;
    totpEnabled: boolean;
    lockedUntil: Date | null;
  }>(
    `SELECT id, password_hash AS "passwordHash", totp_secret IS NOT NULL AS "totpEnabled",
            locked_until AS "lockedUntil"
       FROM account WHERE lower(email) = lower($1)`,
    [email.trim()],
  );
  if (account === undefined || account.passwordHash === null) {
    await verifyAgainstDecoy(password);
    return { kind: 'wrong-email-or-password' };
  }
  if (account.lockedUntil !== null && account.lockedUntil > now) {
    return { kind: 'locked', accountId: account.id, until: account.lockedUntil };
  }
  if (await verifyPassword(account.passwordHash, password)) {
    await database.query(
      'UPDATE account SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1',
      [account.id],
    );
    return { kind: 'signed-in', accountId: account.id, needsSecondFactor: account.totpEnabled };
  }
  const lockedUntil = new Date(now.getTime() + LOCK_MINUTES * 60_000);
  const [after] = await database.query<{ lockedUntil: Date | null }>(
    `UPDATE account
        SET failed_sign_ins = CASE WHEN failed_sign_ins + 1 >= $2 THEN 0 ELSE failed_sign_ins + 1 END,
            locked_until = CASE WHEN failed_sign_ins + 1 >= $2 THEN $3 ELSE locked_until END
      WHERE id = $1
      RETURNING locked_until AS "lockedUntil"`,
    [account.id, SIGN_IN_ATTEMPTS_BEFORE_LOCK, lockedUntil],
  );
  return after?.lockedUntil && after.lockedUntil > now
    ? { kind: 'locked', accountId: account.id, until: after.lockedUntil }
    : { kind: 'wrong-email-or-password' };
}

export async function setPassword(
  database: Queryable,
  accountId: number,
  password: string,
): Promise<void> {
  await database.query(
    'UPDATE account SET password_hash = $2, failed_sign_ins = 0, locked_until = NULL WHERE id = $1',
    [accountId, await hashPassword(password)],
  );
}

export async function unlockAccount(database: Queryable, accountId: number): Promise<void> {
  await database.query(
    'UPDATE account SET failed_sign_ins = 0, locked_until = NULL WHERE id = $1',
    [accountId],
  );
}

export type LinkPurpose = 'password-reset' | 'first-administrator';

/** A one-time link's secret, valid for `minutes`; only its hash is stored. */
export async function createOneTimeLink(
  database: Queryable,
  purpose: LinkPurpose,
  accountId: number | null,
  now: Date,
  minutes: number,
): Promise<string> {
  const { token, hash } = newSecretToken();
  await database.query(
    'INSERT INTO one_time_link (token_hash, purpose, account_id, expires_at) VALUES ($1, $2, $3, $4)',
    [hash, purpose, accountId, new Date(now.getTime() + minutes * 60_000)],
  );
  return token;
}

/** The link, if unused and unexpired: `accountId` is null for the first-administrator link. */
export async function findOneTimeLink(
  database: Queryable,
  purpose: LinkPurpose,
  token: string,
  now: Date,
): Promise<{ accountId: number | null } | null> {
  const [link] = await database.query<{ accountId: number | null }>(
    `SELECT account_id AS "accountId" FROM one_time_link
      WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3`,
    [hashSecretToken(token), purpose, now],
  );
  return link ?? null;
}

/** Marks the link used; false if it was used or expired meanwhile (two tabs, one link). */
export async function useOneTimeLink(
  database: Queryable,
  purpose: LinkPurpose,
  token: string,
  now: Date,
): Promise<boolean> {
  const used = await database.query(
    `UPDATE one_time_link SET used_at = $3
      WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
      RETURNING 1`,
    [hashSecretToken(token), purpose, now],
  );
  return used.length === 1;
}

export async function hasAdministrator(database: Queryable): Promise<boolean> {
  const rows = await database.query(
    "SELECT 1 FROM role_assignment WHERE role = 'administrator' LIMIT 1",
  );
  return rows.length > 0;
}
