import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { DEFAULT_API_TOKEN_DAYS } from '../config/config.ts';
import type { Queryable } from '../database/database.ts';
import { hashSecretToken, newSecretToken } from './secret-tokens.ts';

/**
 * Personal API tokens: shown once, stored hashed, acting as their owner with the same
 * permissions until they expire or are revoked (by the owner, or with every other way in when
 * the password is reset, the account is signed out everywhere or loses a role).
 */
export const API_TOKEN_PREFIX = 'ips_';

export interface ApiToken {
  readonly id: number;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
  readonly expiresAt: Date;
}

export async function createApiToken(
  database: Queryable,
  accountId: number,
  name: string,
  now: Date,
  lifetimeDays = DEFAULT_API_TOKEN_DAYS,
): Promise<string> {
  const { token, hash } = newSecretToken(API_TOKEN_PREFIX);
  await database.query(
    `INSERT INTO api_token (account_id, name, token_hash, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $4::timestamptz + $5::int * interval '1 day')`,
    [accountId, name, hash, now, lifetimeDays],
  );
  return token;
}

export function listApiTokens(database: Queryable, accountId: number): Promise<ApiToken[]> {
  return database.query<ApiToken>(
    `SELECT id, name, created_at AS "createdAt", last_used_at AS "lastUsedAt",
            expires_at AS "expiresAt" FROM api_token
      WHERE account_id = $1 AND revoked_at IS NULL ORDER BY created_at, id`,
    [accountId],
  );
}

/** True if the token was the account's and still live. */
export async function revokeApiToken(
  database: Queryable,
  accountId: number,
  tokenId: number,
  now: Date,
): Promise<boolean> {
  const revoked = await database.query(
    `UPDATE api_token SET revoked_at = $3
      WHERE id = $1 AND account_id = $2 AND revoked_at IS NULL RETURNING 1`,
    [tokenId, accountId, now],
  );
  return revoked.length === 1;
}

/** Every live token of the account, revoked at once. */
export async function revokeAllApiTokens(
  database: Queryable,
  accountId: number,
  now: Date,
): Promise<void> {
  await database.query(
    'UPDATE api_token SET revoked_at = $2 WHERE account_id = $1 AND revoked_at IS NULL',
    [accountId, now],
  );
}

/** A person makes a token for themselves, from their account page; the token is theirs to see once. */
export async function issueApiToken(
  context: Pick<AppContext, 'database' | 'clock' | 'config'>,
  accountId: number,
  name: string,
): Promise<string> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const token = await createApiToken(
      transaction,
      accountId,
      name,
      now,
      context.config.apiTokenDays,
    );
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'created API token',
      subject: `account ${accountId}`,
      detail: name,
    });
    return token;
  });
}

/** A person revokes one of their own tokens; false if it was not theirs or not live. */
export async function withdrawApiToken(
  context: Pick<AppContext, 'database' | 'clock'>,
  accountId: number,
  tokenId: number,
): Promise<boolean> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if (!(await revokeApiToken(transaction, accountId, tokenId, now))) return false;
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'revoked API token',
      subject: `account ${accountId}`,
      detail: `token ${tokenId}`,
    });
    return true;
  });
}

export type ApiTokenHolder =
  | { readonly kind: 'account'; readonly accountId: number }
  | { readonly kind: 'expired'; readonly expiredAt: Date };

/** Whom a bearer token acts for, noting its use; null if unknown or revoked. */
export async function holderOfApiToken(
  database: Queryable,
  token: string,
  now: Date,
): Promise<ApiTokenHolder | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const [row] = await database.query<{ accountId: number; expiresAt: Date }>(
    `UPDATE api_token SET last_used_at = CASE WHEN expires_at > $2 THEN $2 ELSE last_used_at END
      WHERE token_hash = $1 AND revoked_at IS NULL
      RETURNING account_id AS "accountId", expires_at AS "expiresAt"`,
    [hashSecretToken(token), now],
  );
  if (row === undefined) return null;
  return row.expiresAt > now
    ? { kind: 'account', accountId: row.accountId }
    : { kind: 'expired', expiredAt: row.expiresAt };
}
