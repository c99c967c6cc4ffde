import type { UploadCheckSettings } from '../../src/config/config.ts';
import { writeXlsx } from '../../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../../src/synthetic/referral-rows.ts';
import { UploadCheckPool } from '../../src/uploads/check-pool.ts';
import type { CheckTask } from '../../src/uploads/check-worker.ts';

/** The check pool's tests: a check of a generated spreadsheet, for a team with no records yet. */
export function checkOf(rows: number): Omit<CheckTask, 'progress'> {
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

/** A pool of one thread and a place in its queue, with the limits a test sets. */
export function testPool(limits: Partial<UploadCheckSettings> = {}): UploadCheckPool {
  return new UploadCheckPool({
    threads: 1,
    queue: 1,
    timeLimitSeconds: 60,
    memoryLimitMb: 512,
    ...limits,
  });
}
