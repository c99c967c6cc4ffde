import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readConfig } from '../config/config.ts';
import { pseudonymisationSecretOf } from './pseudonymisation-key-file.ts';

const folder = mkdtempSync(join(tmpdir(), 'ips-key-file-'));
after(() => rmSync(folder, { recursive: true, force: true }));

/** The key source a start with nothing configured but this data folder has. */
function keySourceOf(dataDirectory: string) {
  const result = readConfig({ IPS_DATA_DIR: dataDirectory });
  if (!result.ok) throw new Error(result.problems.join('; '));
  return result.config.pseudonymisationKey;
}

describe('the pseudonymisation key file', () => {
  it('is made at random for each fresh data folder, 256 bits, readable by its owner only', () => {
    const first = pseudonymisationSecretOf(keySourceOf(join(folder, 'first')));
    const second = pseudonymisationSecretOf(keySourceOf(join(folder, 'second')));
    assert.match(first, /^[0-9a-f]{64}$/);
    assert.match(second, /^[0-9a-f]{64}$/);
    assert.notEqual(first, second);
    const file = join(folder, 'first', 'pseudonymisation.key');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(join(folder, 'first')), ['pseudonymisation.key']);
  });

  it('is the same key after a restart, and goes back to owner-only if a copy loosened it', () => {
    const source = keySourceOf(join(folder, 'restarted'));
    const made = pseudonymisationSecretOf(source);
    const file = join(folder, 'restarted', 'pseudonymisation.key');
    chmodSync(file, 0o644);
    assert.equal(pseudonymisationSecretOf(source), made);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('refuses a damaged key file rather than hashing with a new key', () => {
    const source = keySourceOf(join(folder, 'damaged'));
    pseudonymisationSecretOf(source);
    writeFileSync(join(folder, 'damaged', 'pseudonymisation.key'), 'half a k');
    assert.throws(() => pseudonymisationSecretOf(source), /key file .* is damaged: restore it/);
  });

  it('is not used when a key is configured', () => {
    const key = 'c1f4b0a9e83d27f65a0b9c1d4e7f2a3b8c6d5e4f1a2b3c4d5e6f708192a3b4c5';
    const dataDirectory = join(folder, 'configured');
    const result = readConfig({ IPS_DATA_DIR: dataDirectory, IPS_PSEUDONYMISATION_SECRET: key });
    assert.ok(result.ok);
    assert.equal(pseudonymisationSecretOf(result.config.pseudonymisationKey), key);
    assert.throws(() => statSync(dataDirectory), { code: 'ENOENT' });
  });
});
