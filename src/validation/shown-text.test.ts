import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cleanFileName, shownLabel } from './shown-text.ts';

describe('text from outside a spreadsheet, as kept', () => {
  it('takes out control and format characters and cuts a file name to 100 characters', () => {
    const name = cleanFileName(`Mary\u0007 Jones\r\n\u202e${'x'.repeat(200_000)}.csv`);
    assert.equal(name, `Mary Jones ${'x'.repeat(89)}`);
    assert.equal(cleanFileName('referrals 2026.xlsx'), 'referrals 2026.xlsx');
  });

  it('never cuts a character in half, and names a name left empty', () => {
    assert.equal(Array.from(cleanFileName('😀'.repeat(150))).length, 100);
    assert.equal(cleanFileName('😀'.repeat(150)), '😀'.repeat(100));
    assert.equal(cleanFileName('\u0000\u200b\t'), 'unnamed file');
  });

  it('cuts a heading or sheet name to 40 characters', () => {
    assert.equal(shownLabel(`Notes\t${'y'.repeat(60)}`), `Notes ${'y'.repeat(34)}`);
  });
});
