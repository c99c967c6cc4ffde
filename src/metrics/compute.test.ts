import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { day, recordArbitrary } from '../../test/support/record-arbitrary.ts';
import { job, referral } from '../../test/support/test-referrals.ts';
import { fromDayNumber, toDayNumber } from '../calendar/calendar-date.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import {
  breakdownBy,
  breakdownByTime,
  financialYearOf,
  groupByRecordField,
  quarterLabel,
  subPeriods,
} from './breakdowns.ts';
import { computeMetrics, type MetricsQuery, type MetricsResult, median } from './compute.ts';
import { METRIC_DEFINITIONS } from './definitions.ts';
import { deriveRecord } from './derive.ts';

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

describe('the as-at date', () => {
  test('a job ending on A covers A; one ending the day before does not', () => {
    const onCaseload = { vpStartDate: '2024-04-20' };
    const result = figures(
      [
        { ...onCaseload, jobs: [job('2024-05-01', '2024-06-15')] },
        { ...onCaseload, jobs: [job('2024-05-01', '2024-06-14')] },
      ],
      { today: '2024-06-15' },
    );
    assert.equal(result.employedShareOfCaseload, 0.5);
  });

  test('a sustainment dated after A is not counted until today reaches it', () => {
    // 13 weeks from 1 May 2024 is 30 July 2024.
    const records = [{ jobs: [job('2024-05-01')] }];
    assert.equal(figures(records, { today: '2024-07-29' }).sustained13, 0);
    assert.equal(figures(records, { today: '2024-07-30' }).sustained13, 1);
    assert.deepEqual(figures(records, { today: '2024-07-30' }).sustainedByHours['13'], {
      under16: 0,
      '16plus': 1,
      unknown: 0,
    });
  });

  test('a first job or hours of a job starting after A do not count', () => {
    const result = figures([{ jobs: [job('2024-07-01', null, 30)] }], { today: '2024-06-30' });
    assert.equal(result.firstJobStarts, 0);
    assert.equal(result.averageHours, null);
    assert.deepEqual(result.timeToFirstJob, { under6m: 0, '6to12m': 0, over12m: 0, noVpStart: 0 });
  });

  test('a period that starts after today has no day of work in [from, A]', () => {
    const result = figures([{ vpStartDate: '2024-04-20', jobs: [job('2024-05-01')] }], {
      from: '2025-04-01',
      to: '2026-03-31',
      today: '2025-01-10',
    });
    assert.equal(result.period.asAt, '2025-01-10');
    assert.equal(result.activeCaseload, 1);
    assert.equal(result.employedShareOfCaseload, 1);
    assert.equal(result.employmentRate, 0);
    assert.equal(result.jobStarts, 0);
  });

  test('discharges on from and on to are in the period; employment rate keeps a discharge on from', () => {
    const served = { vpStartDate: '2024-01-10', referralDate: '2024-01-02' };
    const result = figures([
      { ...served, dischargeDate: '2024-04-01', jobs: [job('2024-03-01', '2024-04-01')] },
      { ...served, dischargeDate: '2025-03-31' },
      { ...served, dischargeDate: '2024-03-31', jobs: [job('2024-03-01')] },
    ]);
    assert.equal(result.discharges, 2);
    assert.equal(result.employmentRate, 0.5);
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

describe('the machine-readable form', () => {
  test('has exactly the keys of METRICS.md, in its order', () => {
    const result = figures([{ vpStartDate: '2024-04-20' }]);
    const shape = (value: unknown): unknown =>
      value !== null && typeof value === 'object'
        ? Object.entries(value).map(([key, inner]) => [key, shape(inner)])
        : null;
    const bands = [
      ['under16', null],
      ['16plus', null],
      ['unknown', null],
    ];
    const timeToTarget = [
      ['median', null],
      ['withinTarget', null],
      ['n', null],
    ];
    assert.deepEqual(shape(result), [
      [
        'period',
        [
          ['from', null],
          ['to', null],
          ['asAt', null],
        ],
      ],
      ...[
        'referrals',
        'vpStarts',
        'activeCaseload',
        'jobStarts',
        'supportedIntoWork',
        'firstJobStarts',
        'sustained13',
        'sustained26',
        'sustained52',
        'discharges',
      ].map((key) => [key, null]),
      [
        'sustainedByHours',
        [
          ['13', bands],
          ['26', bands],
          ['52', bands],
        ],
      ],
      ['daysToFirstContact', timeToTarget],
      ['daysToEmployerContact', timeToTarget],
      [
        'timeToFirstJob',
        [
          ['under6m', null],
          ['6to12m', null],
          ['over12m', null],
          ['noVpStart', null],
        ],
      ],
      ['caseloadPerSpecialist', [['AB', null]]],
      ['employedShareOfCaseload', null],
      ['retentionShare', null],
      ['averageHours', null],
      ['employmentRate', null],
    ]);
  });

  test('every figure has one definition (name and rule) for its tool tip', () => {
    const figureKeys = Object.keys(figures([])).filter((key) => key !== 'period');
    assert.deepEqual(
      METRIC_DEFINITIONS.map(({ id }) => id),
      figureKeys,
    );
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

  test('the financial year of a date runs from 1 April to 31 March', () => {
    assert.deepEqual(financialYearOf('2024-03-31'), {
      label: '2023/24',
      from: '2023-04-01',
      to: '2024-03-31',
    });
    assert.deepEqual(financialYearOf('2024-04-01'), {
      label: '2024/25',
      from: '2024-04-01',
      to: '2025-03-31',
    });
    assert.equal(financialYearOf('2099-12-31').label, '2099/00');
  });

  test('each sub-period has its own as-at date: min(its end, today)', () => {
    const months = breakdownByTime(records, { ...FY, today: '2024-05-20' }, 'month');
    assert.deepEqual(
      months.slice(0, 3).map(({ metrics }) => metrics.period),
      [
        { from: '2024-04-01', to: '2024-04-30', asAt: '2024-04-30' },
        { from: '2024-05-01', to: '2024-05-31', asAt: '2024-05-20' },
        { from: '2024-06-01', to: '2024-06-30', asAt: '2024-05-20' },
      ],
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

/** The figures that count events dated in the period: they add up over any split of it. */
const EVENT_COUNTS = [
  'referrals',
  'vpStarts',
  'jobStarts',
  'firstJobStarts',
  'sustained13',
  'sustained26',
  'sustained52',
  'discharges',
] as const satisfies ReadonlyArray<keyof MetricsResult>;
const sumOf = (results: readonly MetricsResult[], key: (typeof EVENT_COUNTS)[number]) =>
  results.reduce((sum, result) => sum + result[key], 0);

describe('breakdown properties', () => {
  const today = day('2024-01-01', '2026-06-30');

  test('months add up to the year for every event count, whatever today is', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 25 }), today, (records, today) => {
        const query = { ...FY, today };
        const year = computeMetrics(records, query);
        const months = breakdownByTime(records, query, 'month').map(({ metrics }) => metrics);
        for (const key of EVENT_COUNTS) assert.equal(sumOf(months, key), year[key], key);
      }),
      { numRuns: 60 },
    );
  });

  test('groups add up to the whole for every count, and each group keeps the period', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 25 }), today, (records, today) => {
        const query = { ...FY, today };
        const whole = computeMetrics(records, query);
        const groups = [...breakdownBy(records, query, groupByRecordField('gender')).values()];
        for (const key of [...EVENT_COUNTS, 'activeCaseload', 'supportedIntoWork'] as const) {
          assert.equal(
            groups.reduce((sum, result) => sum + result[key], 0),
            whole[key],
            key,
          );
        }
        for (const group of groups) assert.deepEqual(group.period, whole.period);
      }),
      { numRuns: 60 },
    );
  });

  test('the two employment-status filters never count more than "all"', () => {
    fc.assert(
      fc.property(fc.array(recordArbitrary, { maxLength: 25 }), today, (records, today) => {
        const all = computeMetrics(records, { ...FY, today });
        const outOfWork = computeMetrics(records, {
          ...FY,
          today,
          employmentStatus: 'out-of-work',
        });
        const inWork = computeMetrics(records, { ...FY, today, employmentStatus: 'in-work' });
        for (const key of [...EVENT_COUNTS, 'activeCaseload'] as const) {
          assert.ok(outOfWork[key] + inWork[key] <= all[key], key);
        }
      }),
      { numRuns: 40 },
    );
  });

  test('with the start fixed, a later today never lowers a count of events so far', () => {
    fc.assert(
      fc.property(
        fc.array(recordArbitrary, { maxLength: 25 }),
        today,
        fc.integer({ min: 1, max: 400 }),
        (records, today, later) => {
          const query = { ...FY, to: '2027-03-31' };
          const before = computeMetrics(records, { ...query, today });
          const after = computeMetrics(records, {
            ...query,
            today: fromDayNumber(toDayNumber(today) + later),
          });
          for (const key of [
            'jobStarts',
            'firstJobStarts',
            'sustained13',
            'sustained26',
          ] as const) {
            assert.ok(after[key] >= before[key], key);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
