import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { job, referral } from '../referrals/test-referrals.ts';
import {
  breakdownBy,
  breakdownByTime,
  groupByRecordField,
  quarterLabel,
  subPeriods,
} from './breakdowns.ts';
import { computeMetrics, type MetricsQuery, median } from './compute.ts';
import { deriveRecord } from './derive.ts';
import { expectedToDate, targetStatus } from './targets.ts';

const BASE: Partial<ReferralRecord> = {
  referralDate: '2024-04-10',
  ageBand: '25–34',
  gender: 'Female',
  employmentStatus: 'Unemployed - seeking work',
};
const FY: MetricsQuery = {
  from: '2024-04-01',
  to: '2025-03-31',
  today: '2026-01-01',
  employmentStatus: 'all',
};
const figures = (records: Partial<ReferralRecord>[], query: Partial<MetricsQuery> = {}) =>
  computeMetrics(
    records.map((record) => deriveRecord(referral({ ...BASE, ...record }))),
    { ...FY, ...query },
  );

describe('counts at the edges of the period', () => {
  test('dates equal to from and to are in the period; the day after is not', () => {
    const result = figures([
      { referralDate: '2024-04-01' },
      { referralDate: '2025-03-31' },
      { referralDate: '2025-04-01' },
    ]);
    assert.equal(result.referrals, 2);
  });

  test('the as-at date is min(to, today); jobs starting after it never count', () => {
    const result = figures([{ jobs: [job('2024-05-01'), job('2024-07-01')] }], {
      today: '2024-06-15',
    });
    assert.equal(result.period.asAt, '2024-06-15');
    assert.equal(result.jobStarts, 1);
    assert.equal(result.supportedIntoWork, 1);
  });

  test('a discharge on the as-at date takes the record off the active caseload', () => {
    const onCaseload = { vpStartDate: '2024-04-20' };
    assert.equal(figures([{ ...onCaseload, dischargeDate: '2025-03-31' }]).activeCaseload, 0);
    assert.equal(figures([{ ...onCaseload, dischargeDate: '2025-04-01' }]).activeCaseload, 1);
    assert.deepEqual(figures([onCaseload]).caseloadPerSpecialist, { AB: 1 });
  });

  test('jobs before the referral are not job starts, first jobs or hours', () => {
    const result = figures([
      {
        referralDate: '2024-06-01',
        jobs: [job('2024-05-01', null, 40), job('2024-08-01', null, 10)],
      },
    ]);
    assert.equal(result.jobStarts, 1);
    assert.equal(result.firstJobStarts, 1);
    assert.equal(result.averageHours, 10);
  });

  test('several jobs in the period: every job counts, the person once', () => {
    const result = figures([
      {
        jobs: [job('2024-05-01', '2024-05-31'), job('2024-07-01', '2024-07-31'), job('2024-09-01')],
      },
    ]);
    assert.equal(result.jobStarts, 3);
    assert.equal(result.supportedIntoWork, 1);
  });

  test('a first job before the period is not counted again in it', () => {
    const result = figures([
      { referralDate: '2023-06-01', jobs: [job('2023-07-01', '2023-08-01'), job('2024-05-01')] },
    ]);
    assert.equal(result.supportedIntoWork, 1);
    assert.equal(result.firstJobStarts, 0);
  });
});

describe('shares and medians', () => {
  test('an empty population is null, never 0', () => {
    const result = figures([]);
    assert.equal(result.employmentRate, null);
    assert.equal(result.retentionShare, null);
    assert.equal(result.averageHours, null);
    assert.deepEqual(result.daysToFirstContact, { median: null, withinTarget: null, n: 0 });
  });

  test('median of an even count is the mean of the middle two', () => {
    assert.equal(median([1, 9, 3, 7]), 5);
    assert.equal(median([4]), 4);
    assert.equal(median([]), null);
  });

  test('first contact within 5 days counts day 5 and not day 6', () => {
    const result = figures([
      { firstContactDate: '2024-04-15' },
      { firstContactDate: '2024-04-16' },
    ]);
    assert.deepEqual(result.daysToFirstContact, { median: 5.5, withinTarget: 0.5, n: 2 });
  });

  test('retention share leaves out blank and "Not known"', () => {
    const result = figures([
      { employmentStatus: 'Employed - off work sick' },
      { employmentStatus: 'Unemployed - seeking work' },
      { employmentStatus: 'Not known' },
      { employmentStatus: null },
    ]);
    assert.equal(result.retentionShare, 0.5);
  });

  test('employment rate: people served, out of work at referral, with work on a day of the period', () => {
    const result = figures([
      { vpStartDate: '2024-04-20', jobs: [job('2024-06-01', '2024-06-30')] },
      { vpStartDate: '2024-04-20' },
      {
        vpStartDate: '2024-04-20',
        employmentStatus: 'Employed - off work sick',
        jobs: [job('2024-06-01')],
      },
      {
        vpStartDate: '2023-01-01',
        referralDate: '2023-01-01',
        dischargeDate: '2024-03-31',
        jobs: [job('2023-06-01')],
      },
    ]);
    assert.equal(result.employmentRate, 0.5);
  });

  test('time to first job by calendar months after the VP start', () => {
    const result = figures([
      { vpStartDate: '2024-04-30', jobs: [job('2024-10-29')] },
      { vpStartDate: '2024-04-30', jobs: [job('2024-10-30')] },
      { vpStartDate: '2024-04-15', jobs: [job('2025-03-01')] },
      { vpStartDate: null, jobs: [job('2024-06-01')] },
    ]);
    assert.deepEqual(result.timeToFirstJob, { under6m: 1, '6to12m': 2, over12m: 0, noVpStart: 1 });
  });
});

describe('employment status filter', () => {
  test('out of work and in work split the records; blank and "Not known" are in all only', () => {
    const records = [
      { employmentStatus: 'Unemployed - seeking work' },
      { employmentStatus: 'Unemployed - not seeking work (economically inactive)' },
      { employmentStatus: 'Employed - at work, job at risk' },
      { employmentStatus: 'Not known' },
      { employmentStatus: null },
    ];
    assert.equal(figures(records).referrals, 5);
    assert.equal(figures(records, { employmentStatus: 'out-of-work' }).referrals, 2);
    assert.equal(figures(records, { employmentStatus: 'in-work' }).referrals, 1);
  });
});

describe('breakdowns', () => {
  const records = [
    { specialist: 'AB', referralDate: '2024-04-10' },
    { specialist: 'CD', referralDate: '2024-05-10', gender: null },
    { specialist: 'AB', referralDate: '2024-07-10' },
  ].map((record) => deriveRecord(referral({ ...BASE, ...record })));

  test('by a record field, blanks grouped as "Not recorded", and the groups add up', () => {
    const bySpecialist = breakdownBy(records, FY, groupByRecordField('specialist'));
    assert.deepEqual(
      [...bySpecialist].map(([key, result]) => [key, result.referrals]),
      [
        ['AB', 2],
        ['CD', 1],
      ],
    );
    const byGender = breakdownBy(records, FY, groupByRecordField('gender'));
    assert.deepEqual([...byGender.keys()], ['Female', 'Not recorded']);
  });

  test('by month and quarter, clipped to the period, summing to the whole', () => {
    const months = breakdownByTime(records, FY, 'month');
    assert.equal(months.length, 12);
    assert.deepEqual(
      months.slice(0, 4).map(({ label, metrics }) => [label, metrics.referrals]),
      [
        ['April 2024', 1],
        ['May 2024', 1],
        ['June 2024', 0],
        ['July 2024', 1],
      ],
    );
    assert.equal(
      months.reduce((sum, month) => sum + month.metrics.referrals, 0),
      3,
    );
    assert.deepEqual(
      subPeriods('2024-05-15', '2024-08-10', 'quarter').map(({ from, to }) => [from, to]),
      [
        ['2024-05-15', '2024-06-30'],
        ['2024-07-01', '2024-08-10'],
      ],
    );
    assert.deepEqual(
      subPeriods('2024-01-01', '2025-12-31', 'financialYear').map(({ label }) => label),
      ['2023/24', '2024/25', '2025/26'],
    );
  });

  test('quarters are shown with their months and both numberings', () => {
    assert.equal(
      quarterLabel(2024, 3),
      'July to September 2024 (calendar Q3, financial Q2 2024/25)',
    );
    assert.equal(
      quarterLabel(2025, 1),
      'January to March 2025 (calendar Q1, financial Q4 2024/25)',
    );
  });
});

describe('targets', () => {
  test('on 1 April the expected figure is target × 1/365', () => {
    assert.equal(expectedToDate(365, '2025-04-01', '2025-04-01'), 1);
  });
  test('a leap financial year has 366 days; the whole year is the whole target', () => {
    assert.equal(expectedToDate(366, '2023-04-01', '2023-04-10'), 10);
    assert.equal(expectedToDate(100, '2024-04-01', '2025-03-31'), 100);
  });
  test('on track, behind (≥ 90%), off track', () => {
    assert.equal(targetStatus(10, 10), 'on track');
    assert.equal(targetStatus(9, 10), 'behind');
    assert.equal(targetStatus(8.9, 10), 'off track');
  });
});
