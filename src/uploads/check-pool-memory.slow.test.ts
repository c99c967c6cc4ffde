import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeXlsx } from '../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../synthetic/referral-rows.ts';
import { CheckRefused, UploadCheckPool } from './check-pool.ts';
import type { CheckTask } from './check-worker.ts';

function checkOf(rows: number): Omit<CheckTask, 'progress'> {
  const generated = generateReferralRows({ rows, seed: rows, today: '2026-05-01' });
  return {
    files: [
      {
        name: 'team.xlsx',
        bytes: writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...generated.rows] }]),
      },
    ],
    storedRecords: [],
    pseudonymisationSecret: 'pool test',
    today: '2026-05-01',
    knownSpecialists: [],
    referralSources: [],
    sealFor: null,
  };
}

// Slow tier: a worker stopped at its heap limit can take the test process down with it on Node 24
// when other test files run beside it; the slow tier runs one file at a time.
describe('the pool uploads are checked in, at its memory limit', () => {
  it('stops a check that needs more memory than its limit, and says so', async () => {
    const pool = new UploadCheckPool({
      threads: 1,
      queue: 1,
      timeLimitSeconds: 60,
      memoryLimitMb: 64,
    });
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
