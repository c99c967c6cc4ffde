import { hash, verify } from '@node-rs/argon2';

/**
 * OWASP's argon2id minimum (19 MiB, 2 passes): about 14 ms a hash on this service's machines.
 * Argon2id is the library's default algorithm (its enum cannot be imported under
 * verbatimModuleSyntax); a test checks the hashes say `$argon2id$`.
 */
const ARGON2ID = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MINIMUM_PASSWORD_LENGTH = 12;
export const MAXIMUM_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2ID);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * A hash of nothing in particular, verified when the email is unknown so that a wrong email
 * takes as long as a wrong password and does not reveal who has an account.
 */
let decoyHash: Promise<string> | undefined;
export async function verifyAgainstDecoy(password: string): Promise<false> {
  decoyHash ??= hashPassword('decoy password that matches no account');
  await verifyPassword(await decoyHash, password);
  return false;
}

/** Why a new password cannot be used, or null. NCSC advice: length, not composition rules. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < MINIMUM_PASSWORD_LENGTH) {
    return `Password must be ${MINIMUM_PASSWORD_LENGTH} characters or more`;
  }
  if (password.length > MAXIMUM_PASSWORD_LENGTH) {
    return `Password must be ${MAXIMUM_PASSWORD_LENGTH} characters or fewer`;
  }
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) {
    return 'Password must not be your email address';
  }
  return null;
}
