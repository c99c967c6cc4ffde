import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  linkSync,
  mkdirSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { PseudonymisationKeySource } from '../config/config.ts';

/** The key the service hashes client IDs with: the configured one, or its key file's. */
export function pseudonymisationSecretOf(source: PseudonymisationKeySource): string {
  return source.kind === 'configured' ? source.secret : readOrMakeKeyFile(source.path);
}

const KEY_FILE_CONTENT = /^[0-9a-f]{64}$/;

/**
 * The key file's key, made at first start: 256 random bits, readable by the service's user only.
 * Written beside and then linked into place, so a crash never leaves half a key and two starts
 * at once keep the same one.
 */
function readOrMakeKeyFile(path: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const draft = `${path}.${process.pid}.new`;
  writeFileSync(draft, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flush: true });
  try {
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(draft);
  }
  // A copy restored from a backup may have lost its mode.
  if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
  const key = readFileSync(path, 'utf8').trim();
  if (!KEY_FILE_CONTENT.test(key)) {
    throw new Error(
      `The pseudonymisation key file ${path} is damaged: restore it from the backup (records stored with it cannot be matched without it).`,
    );
  }
  return key;
}
