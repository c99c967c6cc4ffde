import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { job, referral } from '../../test/support/test-referrals.ts';
import { financialYearLabel } from './breakdowns.ts';
import { deriveRecord } from './derive.ts';
import {
  expectedToDate,
  financialYearTo,
  suggestedTargets,
  type TargetMeasure,
  targetProgress,
  targetStatus,
} from './targets.ts';

describe('expected to date (pro rata by days)', () => {
  test('on 1 April it is target × 1/365', () => {
    assert.equal(expectedToDate(365, '2025-04-01', '2025-04-01'), 1);
    assert.equal(expectedToDate(100, '2025-04-01', '2025-04-01'), 100 / 365);
  });
  test('in the middle of the year: days from 1 April, both counted', () => {
    // 1 April to 30 September 2025 is 183 days of 365.
    assert.equal(expectedToDate(365, '2025-04-01', '2025-09-30'), 183);
  });
  test('on 31 March it is the whole target, in a 365- and a 366-day year', () => {
    assert.equal(expectedToDate(100, '2025-04-01', '2026-03-31'), 100);
    assert.equal(expectedToDate(100, '2023-04-01', '2024-03-31'), 100);
  });
  test('on 29 February: the year 2023/24 has 366 days and 29 February is day 335', () => {
    assert.equal(expectedToDate(366, '2023-04-01', '2024-02-29'), 335);
    assert.equal(expectedToDate(366, '2023-04-01', '2024-03-01'), 336);
    assert.equal(expectedToDate(100, '2023-04-01', '2023-04-01'), 100 / 366);
  });
  test('before the year nothing is expected; after it, the whole target', () => {
    assert.equal(expectedToDate(100, '2025-04-01', '2025-03-31'), 0);
    assert.equal(expectedToDate(100, '2025-04-01', '2027-01-01'), 100);
  });
});

describe('status', () => {
  test('on track at or above expected; behind from 90%; off track below', () => {
    assert.equal(targetStatus(10, 10), 'on-track');
    assert.equal(targetStatus(11, 10), 'on-track');
    assert.equal(targetStatus(9, 10), 'behind');
    assert.equal(targetStatus(8.99, 10), 'off-track');
    assert.equal(targetStatus(0, 0), 'on-track');
  });
});

describe('progress over a financial year', () => {
  const records = [
    referral({ referralDate: '2024-04-01', vpStartDate: '2024-04-03', jobs: [job('2024-05-10')] }),
    referral({ referralDate: '2024-06-15', vpStartDate: '2024-06-20' }),
    referral({ referralDate: '2024-03-31' }),
  ].map(deriveRecord);
  const targets = new Map<TargetMeasure, number>([
    ['referrals', 10],
    ['jobStarts', 2],
  ]);

  test('actual is 1 April to the as-at date; a measure without a target has no status', () => {
    const progress = targetProgress(records, 2024, '2024-07-01', targets);
    assert.equal(progress.asAt, '2024-07-01');
    const referrals = progress.measures.find(({ measure }) => measure === 'referrals');
    // 1 April to 1 July 2024 is 92 days of 365.
    assert.deepEqual(referrals, {
      measure: 'referrals',
      target: 10,
      actual: 2,
      expectedToDate: (10 * 92) / 365,
      status: 'off-track',
    });
    const jobs = progress.measures.find(({ measure }) => measure === 'jobStarts');
    assert.equal(jobs?.actual, 1);
    assert.equal(jobs?.status, 'on-track');
    const vpStarts = progress.measures.find(({ measure }) => measure === 'vpStarts');
    assert.deepEqual(vpStarts, {
      measure: 'vpStarts',
      target: null,
      actual: 2,
      expectedToDate: null,
      status: null,
    });
  });

  test('months are cumulative from 1 April up to the as-at date', () => {
    const progress = targetProgress(records, 2024, '2024-07-01', targets);
    assert.deepEqual(
      progress.months.map(({ label, to, actual }) => [label, to, actual.referrals]),
      [
        ['Apr 2024', '2024-04-30', 1],
        ['May 2024', '2024-05-31', 1],
        ['Jun 2024', '2024-06-30', 2],
        ['Jul 2024', '2024-07-01', 2],
      ],
    );
    assert.equal(progress.months[0]?.expected.referrals, (10 * 30) / 365);
    assert.equal(progress.months[0]?.expected.vpStarts, null);
  });

  test('a referral or VP start dated after the as-at date is not counted yet (1 April to A)', () => {
    const withFuture = [
      ...records,
      deriveRecord(referral({ referralDate: '2025-02-10', vpStartDate: '2025-02-10' })),
    ];
    const progress = targetProgress(withFuture, 2024, '2024-07-01', targets);
    const actual = (measure: TargetMeasure) =>
      progress.measures.find((each) => each.measure === measure)?.actual;
    assert.equal(actual('referrals'), 2);
    assert.equal(actual('vpStarts'), 2);
    // The same figure as the last cumulative month, which stops at A too.
    assert.equal(progress.months.at(-1)?.actual.referrals, 2);
    // Once its day comes, it counts.
    const later = targetProgress(withFuture, 2024, '2025-02-10', targets);
    assert.equal(later.measures.find((each) => each.measure === 'referrals')?.actual, 3);
  });

  test('a past year counts to 31 March', () => {
    const progress = targetProgress(records, 2023, '2026-01-01', targets);
    assert.equal(progress.asAt, financialYearTo(2023));
    assert.equal(progress.months.length, 12);
    assert.equal(progress.measures[0]?.actual, 1);
  });
});

describe('IPS Grow suggestions per WTE', () => {
  test('first year 35 caseload and 17 job outcomes per WTE; later 45 and 22; 60% sustain 13 weeks', () => {
    assert.deepEqual(suggestedTargets(2, 'firstYear'), {
      caseload: 70,
      jobStarts: 34,
      sustained13: 20,
    });
    assert.deepEqual(suggestedTargets(1.5, 'laterYears'), {
      caseload: 68,
      jobStarts: 33,
      sustained13: 20,
    });
  });
  test('financial year names', () => {
    assert.equal(financialYearLabel(2024), '2024/25');
    assert.equal(financialYearLabel(2099), '2099/00');
  });
});
