import { createHash, randomBytes } from 'node:crypto';

/**
 * Session ids, one-time links and API tokens: 256 random bits, given to the person once and kept
 * only as a SHA-256 hash, so a copy of the database lets nobody in.
 */
export function newSecretToken(prefix = ''): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashSecretToken(token) };
}

export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
