/**
 * Text damaged by a wrong import: UTF-8 read as Windows-1252 and saved again, as LibreOffice's
 * default CSV import does, so "–" becomes "â€“", "é" becomes "Ã©" and "’" becomes "â€™". The
 * damage is undone exactly: each character back to its Windows-1252 byte, the bytes read as
 * UTF-8. Text is repaired only when that round trip succeeds and changes it, so correct text
 * ("Café", "Â", "â") is never touched: a lone accented letter is not valid UTF-8 as one byte.
 */

/** Windows-1252's characters for bytes 0x80–0x9F; the five it leaves undefined keep their code. */
export const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

const BYTE_OF_CHARACTER = new Map<string, number>(
  [...WINDOWS_1252_HIGH].map((character, index) => [character, 0x80 + index]),
);

/**
 * A UTF-8 lead byte read as Windows-1252 (Â Ã for 2-byte characters, â for 3-byte ones such as
 * dashes and quotes) followed by a continuation byte read so (0x80–0xBF): a cheap first test.
 */
const DAMAGE_HINT = /[\u00c2-\u00df\u00e0-\u00ef][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text as it was meant, or null when it shows no such damage. */
export function repairImportDamage(text: string): string | null {
  if (!DAMAGE_HINT.test(text)) return null;
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const byte =
      code < 0x80 || (code >= 0xa0 && code <= 0xff)
        ? code
        : BYTE_OF_CHARACTER.get(text[index] as string);
    // A character Windows-1252 has no byte for was never through this damage.
    if (byte === undefined) return null;
    bytes[index] = byte;
  }
  try {
    const repaired = strictUtf8.decode(bytes);
    return repaired === text ? null : repaired;
  } catch {
    return null;
  }
}
