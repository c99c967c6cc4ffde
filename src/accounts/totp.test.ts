import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  otpauthUri,
  timeStepAt,
  totpCode,
  verifyTotp,
} from './totp.ts';

const RFC_SECRET = base32Encode(new TextEncoder().encode('12345678901234567890'));

describe('TOTP (RFC 6238)', () => {
  it('gives the RFC 6238 appendix B codes for SHA-1', () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1_111_111_109, '07081804'],
      [1_111_111_111, '14050471'],
      [1_234_567_890, '89005924'],
      [2_000_000_000, '69279037'],
      [20_000_000_000, '65353130'],
    ];
    for (const [seconds, code] of vectors) {
      assert.equal(totpCode(RFC_SECRET, timeStepAt(seconds * 1000), 8), code, `at ${seconds}s`);
    }
  });

  it('encodes and decodes the RFC 4648 base32 vectors', () => {
    const vectors: Array<[string, string]> = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of vectors) {
      assert.equal(base32Encode(new TextEncoder().encode(plain)), encoded);
      assert.equal(new TextDecoder().decode(base32Decode(encoded.toLowerCase())), plain);
    }
    assert.throws(() => base32Decode('MZ1'), /base32/);
  });

  it('makes 32-character secrets that round-trip', () => {
    const secret = generateTotpSecret();
    assert.match(secret, /^[A-Z2-7]{32}$/);
    assert.equal(base32Encode(base32Decode(secret)), secret);
  });

  it('accepts one step of drift either way, not two, and never a used step again', () => {
    const secret = generateTotpSecret();
    const now = 1_700_000_000_000;
    const step = timeStepAt(now);
    for (const drift of [-1, 0, 1]) {
      assert.deepEqual(verifyTotp(secret, totpCode(secret, step + drift), now, null), {
        ok: true,
        step: step + drift,
      });
    }
    for (const drift of [-2, 2]) {
      assert.equal(verifyTotp(secret, totpCode(secret, step + drift), now, null).ok, false);
    }
    assert.equal(verifyTotp(secret, totpCode(secret, step), now, step).ok, false);
    assert.equal(verifyTotp(secret, totpCode(secret, step + 1), now, step).ok, true);
  });

  it('refuses codes that are not six digits, and allows spaces', () => {
    const secret = generateTotpSecret();
    const now = 1_700_000_000_000;
    const code = totpCode(secret, timeStepAt(now));
    assert.equal(verifyTotp(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now, null).ok, true);
    for (const bad of ['', '12345', '1234567', 'abcdef', `${code}0`]) {
      assert.equal(verifyTotp(secret, bad, now, null).ok, false, bad);
    }
  });

  it('writes the otpauth URI authenticator apps read', () => {
    assert.equal(
      otpauthUri({ secretBase32: 'ABC', accountEmail: 'a.b@nhs.net' }),
      'otpauth://totp/IPS%20Reporting:a.b%40nhs.net?secret=ABC&issuer=IPS%20Reporting&algorithm=SHA1&digits=6&period=30',
    );
  });
});
