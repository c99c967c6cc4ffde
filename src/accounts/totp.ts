import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** RFC 6238 time-based one-time codes: the optional second factor at sign-in. */

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const STEP_MILLISECONDS = 30_000;
const DIGITS = 6;

/** 160 random bits, the size RFC 4226 recommends for HMAC-SHA1, as authenticator apps expect. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      text += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return text;
}

/** Case-insensitive; spaces and padding ignored, as people type keys from a screen. */
export function base32Decode(text: string): Uint8Array {
  const clean = text.toUpperCase().replace(/[\s=]/g, '');
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const character of clean) {
    const index = BASE32_ALPHABET.indexOf(character);
    if (index < 0) throw new Error(`Not a base32 character: ${character}`);
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(bytes);
}

export function timeStepAt(unixMilliseconds: number): number {
  return Math.floor(unixMilliseconds / STEP_MILLISECONDS);
}

export function totpCode(secretBase32: string, timeStepNumber: number, digits = DIGITS): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(timeStepNumber));
  const digest = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 0xf;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/**
 * Accepts the code for now or one step either side (phone clocks drift), but never a step at or
 * before the last one used, so an overheard code cannot be replayed.
 */
export function verifyTotp(
  secretBase32: string,
  code: string,
  unixMilliseconds: number,
  lastUsedStep: number | null,
): { ok: true; step: number } | { ok: false } {
  const given = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(given)) return { ok: false };
  const now = timeStepAt(unixMilliseconds);
  for (const step of [now - 1, now, now + 1]) {
    if (lastUsedStep !== null && step <= lastUsedStep) continue;
    if (timingSafeEqual(Buffer.from(totpCode(secretBase32, step)), Buffer.from(given))) {
      return { ok: true, step };
    }
  }
  return { ok: false };
}

export function otpauthUri({
  secretBase32,
  accountEmail,
  issuer = 'IPS Reporting',
}: {
  secretBase32: string;
  accountEmail: string;
  issuer?: string;
}): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountEmail)}`;
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=${DIGITS}&period=30`;
}
