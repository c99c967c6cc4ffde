import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip as gunzipCallback, gzipSync } from 'node:zlib';

/**
 * A kept check, compressed and sealed (AES-256-GCM) under a key derived from its secret check id,
 * which the database holds only a hash of: the rows at rest say nothing (errors keep the values
 * as typed) to whoever reads the database without the address the uploader was sent to.
 */

const gunzip = promisify(gunzipCallback);
const IV_BYTES = 12;
const TAG_BYTES = 16;

function keyOf(checkId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', checkId, '', 'ips-reporting upload check', 32));
}

/** Compresses and seals text (in the check's worker thread: both cost time on large uploads). */
export function sealText(checkId: string, text: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(checkId), iv);
  const sealed = Buffer.concat([cipher.update(gzipSync(text, { level: 1 })), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The text sealed under this check id; it throws when the bytes were sealed under another. */
export async function openSealedText(checkId: string, sealed: Uint8Array): Promise<string> {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const decipher = createDecipheriv('aes-256-gcm', keyOf(checkId), bytes.subarray(0, IV_BYTES), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const compressed = Buffer.concat([
    decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
  // Unzipped on libuv's thread pool, not the event loop.
  return (await gunzip(compressed)).toString('utf8');
}
