import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EXIT, helpOnlyExit } from './usage.ts';

describe('asking ips-report only for help', () => {
  it('answers help at once, and nothing at all as a usage error', () => {
    assert.equal(helpOnlyExit(['--help']), EXIT.ok);
    assert.equal(helpOnlyExit(['-h']), EXIT.ok);
    assert.equal(helpOnlyExit(['help']), EXIT.ok);
    assert.equal(helpOnlyExit([]), EXIT.usage);
  });

  it('leaves every command, even one asking for help, to the full tool', () => {
    assert.equal(helpOnlyExit(['validate', '--help']), null);
    assert.equal(helpOnlyExit(['--help', 'extra']), null);
    assert.equal(helpOnlyExit(['template', 'out.xlsx']), null);
  });
});
