import { createHash } from 'node:crypto';
import type { Queryable } from '../database/database.ts';

/**
 * Failed sign-ins, counted for each account from each client address, and for each account from
 * every address together. One address that keeps failing is made to wait longer and longer;
 * it cannot lock the owner out, who signs in from another address at once. Past a much higher
 * count across every address (guessing spread over many addresses), every address that has
 * failed for the account waits from its first failure. Nothing is ever locked for good: the
 * longest wait is capped, and a password reset or an administrator clears the counts.
 */

/** Failures are forgotten this long after the last one. */
export const FAILURES_REMEMBERED_HOURS = 24;
/** Failures from one address before it must wait. */
export const FAILURES_BEFORE_WAITING = 5;
/** Failures across every address after which each failing address waits from its first. */
export const ACCOUNT_FAILURE_CEILING = 100;
/** The first wait, doubled at each further failure up to the longest. */
export const FIRST_WAIT_MINUTES = 1;
export const LONGEST_WAIT_MINUTES = 30;

export interface SignInFailureCounts {
  /** From this address, and when the last was. */
  readonly address: { readonly failures: number; readonly lastFailureAt: Date } | null;
  /** From every address together. */
  readonly account: number;
}

/** When this address may next try a password for the account; null if it may now. */
export function signInAllowedFrom(counts: SignInFailureCounts): Date | null {
  const { address } = counts;
  const free = counts.account >= ACCOUNT_FAILURE_CEILING ? 1 : FAILURES_BEFORE_WAITING;
  if (address === null || address.failures < free) return null;
  const minutes = Math.min(
    FIRST_WAIT_MINUTES * 2 ** (address.failures - free),
    LONGEST_WAIT_MINUTES,
  );
  return new Date(address.lastFailureAt.getTime() + minutes * 60_000);
}

/** Addresses are personal data: only their hashes are kept. */
function addressHash(address: string): string {
  return createHash('sha256').update(`sign-in from ${address}`).digest('hex');
}

const EVERY_ADDRESS = '';

export async function readSignInFailures(
  database: Queryable,
  accountId: number,
  address: string,
  now: Date,
): Promise<SignInFailureCounts> {
  const rows = await database.query<{
    addressHash: string;
    failures: number;
    lastFailureAt: Date;
  }>(
    `SELECT address_hash AS "addressHash", failures, last_failure_at AS "lastFailureAt"
       FROM sign_in_failure
      WHERE account_id = $1 AND address_hash IN ($2, $3)
        AND last_failure_at > $4::timestamptz - $5::int * interval '1 hour'`,
    [accountId, addressHash(address), EVERY_ADDRESS, now, FAILURES_REMEMBERED_HOURS],
  );
  const fromAddress = rows.find((row) => row.addressHash !== EVERY_ADDRESS);
  return {
    address: fromAddress
      ? { failures: fromAddress.failures, lastFailureAt: fromAddress.lastFailureAt }
      : null,
    account: rows.find((row) => row.addressHash === EVERY_ADDRESS)?.failures ?? 0,
  };
}

/** Counts a wrong password from `address`, and forgets the account's failures that have aged out. */
export async function recordSignInFailure(
  database: Queryable,
  accountId: number,
  address: string,
  now: Date,
): Promise<void> {
  await database.query(
    `DELETE FROM sign_in_failure
      WHERE account_id = $1 AND last_failure_at <= $2::timestamptz - $3::int * interval '1 hour'`,
    [accountId, now, FAILURES_REMEMBERED_HOURS],
  );
  await database.query(
    `INSERT INTO sign_in_failure (account_id, address_hash, failures, last_failure_at)
     VALUES ($1, $2, 1, $4), ($1, $3, 1, $4)
     ON CONFLICT (account_id, address_hash)
     DO UPDATE SET failures = sign_in_failure.failures + 1, last_failure_at = EXCLUDED.last_failure_at`,
    [accountId, addressHash(address), EVERY_ADDRESS, now],
  );
}

/** The right password from `address`: its own count starts again (not every address's). */
export async function clearSignInFailuresFrom(
  database: Queryable,
  accountId: number,
  address: string,
): Promise<void> {
  await database.query('DELETE FROM sign_in_failure WHERE account_id = $1 AND address_hash = $2', [
    accountId,
    addressHash(address),
  ]);
}

/** A new password, or an administrator's word: every count for the account starts again. */
export async function clearSignInFailures(database: Queryable, accountId: number): Promise<void> {
  await database.query('DELETE FROM sign_in_failure WHERE account_id = $1', [accountId]);
}

/** For administrators: failed sign-ins from every address in the remembered period. */
export async function recentSignInFailures(
  database: Queryable,
  accountId: number,
  now: Date,
): Promise<number> {
  const [row] = await database.query<{ failures: number }>(
    `SELECT failures FROM sign_in_failure
      WHERE account_id = $1 AND address_hash = $2
        AND last_failure_at > $3::timestamptz - $4::int * interval '1 hour'`,
    [accountId, EVERY_ADDRESS, now, FAILURES_REMEMBERED_HOURS],
  );
  return row?.failures ?? 0;
}
