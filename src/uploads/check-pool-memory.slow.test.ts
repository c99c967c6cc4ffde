import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOf, testPool } from '../../test/support/check-tasks.ts';
import { CheckRefused } from './check-pool.ts';

// Slow tier: a worker stopped at its heap limit can take the test process down with it on Node 24
// when other test files run beside it; the slow tier runs one file at a time.
describe('the pool uploads are checked in, at its memory limit', () => {
  it('stops a check that needs more memory than its limit, and says so', async () => {
    const pool = testPool({ memoryLimitMb: 64 });
    try {
      await assert.rejects(
        pool.check(checkOf(30_000), () => {}),
        (error: unknown) =>
          error instanceof CheckRefused &&
          /needed more memory than any referral/.test(error.message),
      );
    } finally {
      await pool.close();
    }
  });
});
