import type { Queryable } from '../database/database.ts';
import {
  clearSignInFailures,
  clearSignInFailuresFrom,
  readSignInFailures,
  recordSignInFailure,
  signInAllowedFrom,
} from '../security/sign-in-failures.ts';
import { hashPassword, verifyAgainstDecoy, verifyPassword } from './passwords.ts';
import { hashSecretToken, newSecretToken } from './secret-tokens.ts';

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
  readonly termsVersionAccepted: number | null;
}

const ACCOUNT_COLUMNS = `id, email, name, password_hash IS NOT NULL AS "hasPassword",
  totp_secret IS NOT NULL AS "totpEnabled",
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
  /** Too many failures from this address (sign-in-failures.ts): the password was not checked. */
  | { readonly kind: 'waiting'; readonly accountId: number; readonly until: Date };

/**
 * Checks an email and password from a client address, counting failures per account and address.
 * Every refusal takes one argon2 verification, against a decoy when there is no password to
 * check, so its time does not tell an unknown email from a wrong password or a wait.
 */
export async function attemptSignIn(
  database: Queryable,
  attempt: { readonly email: string; readonly password: string; readonly address: string },
  now: Date,
): Promise<SignInOutcome> {
  const [account] = await database.query<{
    id: number;
    passwordHash: string | null;
    totpEnabled: boolean;
  }>(
    `SELECT id, password_hash AS "passwordHash", totp_secret IS NOT NULL AS "totpEnabled"
       FROM account WHERE lower(email) = lower($1)`,
    [attempt.email.trim()],
  );
  if (account === undefined || account.passwordHash === null) {
    await verifyAgainstDecoy(attempt.password);
    return { kind: 'wrong-email-or-password' };
  }
  const until = signInAllowedFrom(
    await readSignInFailures(database, account.id, attempt.address, now),
  );
  if (until !== null && until > now) {
    await verifyAgainstDecoy(attempt.password);
    return { kind: 'waiting', accountId: account.id, until };
  }
  if (await verifyPassword(account.passwordHash, attempt.password)) {
    await clearSignInFailuresFrom(database, account.id, attempt.address);
    return { kind: 'signed-in', accountId: account.id, needsSecondFactor: account.totpEnabled };
  }
  await recordSignInFailure(database, account.id, attempt.address, now);
  return { kind: 'wrong-email-or-password' };
}

export async function setPassword(
  database: Queryable,
  accountId: number,
  password: string,
): Promise<void> {
  await database.query('UPDATE account SET password_hash = $2 WHERE id = $1', [
    accountId,
    await hashPassword(password),
  ]);
  // Whoever guessed at the old password starts again against the new one.
  await clearSignInFailures(database, accountId);
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
