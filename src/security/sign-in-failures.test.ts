import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT_FAILURE_CEILING, signInAllowedFrom } from './sign-in-failures.ts';

const last = new Date('2026-06-01T09:00:00Z');
const minutesAfterLast = (allowed: Date | null) =>
  allowed === null ? null : (allowed.getTime() - last.getTime()) / 60_000;
const waitAfter = (failures: number, account = failures) =>
  minutesAfterLast(
    signInAllowedFrom({ address: failures ? { failures, lastFailureAt: last } : null, account }),
  );

describe('sign-in waits', () => {
  it('lets an address fail four times, then doubles its wait from one minute up to 30', () => {
    assert.deepEqual(
      [0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 50].map((failures) => waitAfter(failures)),
      [null, null, null, 1, 2, 4, 8, 16, 30, 30, 30],
    );
  });

  it('past the ceiling across every address, an address waits from its first failure', () => {
    const spread = ACCOUNT_FAILURE_CEILING;
    assert.deepEqual(
      [0, 1, 2, 3].map((failures) => waitAfter(failures, spread)),
      [null, 1, 2, 4],
    );
    assert.equal(waitAfter(1, spread - 1), null, 'below the ceiling the first failures are free');
  });
});
