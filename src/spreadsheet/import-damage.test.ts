import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { repairImportDamage } from './import-damage.ts';

/** What the wrong import does: UTF-8 bytes, each read as a Windows-1252 character. */
const damaged = (text: string) =>
  [...new TextEncoder().encode(text)]
    .map((byte) =>
      byte >= 0x80 && byte <= 0x9f
        ? ('€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'[byte - 0x80] as string)
        : String.fromCharCode(byte),
    )
    .join('');

describe('text damaged by a wrong import', () => {
  test('is read as meant: dashes, curly quotes, accents, the pound sign', () => {
    for (const meant of [
      'Unemployed – seeking work',
      'Employment specialist’s initials',
      'Zoë Brontë, café',
      '£16 an hour — “part time”',
    ]) {
      const broken = damaged(meant);
      assert.notEqual(broken, meant);
      assert.equal(repairImportDamage(broken), meant, broken);
    }
    assert.equal(repairImportDamage('Unemployed â€“ seeking work'), 'Unemployed – seeking work');
    assert.equal(repairImportDamage('Ã©'), 'é');
  });

  test('leaves correct text alone, accented or not', () => {
    for (const correct of [
      'Unemployed - seeking work',
      'Café',
      'Â',
      'â',
      'Ãx',
      'Zoë',
      'Dash – alone',
      'São Paulo',
      '',
    ])
      assert.equal(repairImportDamage(correct), null, correct);
    // Damage beside a character Windows-1252 has no byte for was not made by that import.
    assert.equal(repairImportDamage('Ã© ✓'), null);
  });
});
