import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { job, referral } from '../../test/support/test-referrals.ts';
import { addDays, addMonths, fromDayNumber, toDayNumber } from '../calendar/calendar-date.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import {
  completedMonths,
  type DerivedRecord,
  deriveRecord,
  SUSTAINMENT_WEEKS,
  sustainmentAt,
  timeToFirstJobBand,
} from './derive.ts';

/** A record with referral 01/12/2023, as in docs/METRICS.md's worked examples. */
function recordWithJobs(jobs: Array<[string, string | null, number | null]>): ReferralRecord {
  return referral({
    jobs: jobs.map(([startDate, endDate, hours]) => job(startDate, endDate, hours)),
  });
}

const uk = (date: string) => date.split('/').reverse().join('-');
const outcomes = (derived: DerivedRecord) =>
  SUSTAINMENT_WEEKS.map((weeks) => {
    const outcome = sustainmentAt(derived.sustainments, weeks);
    return outcome === null ? null : [outcome.date, outcome.hoursBand];
  });

describe('METRICS.md sustainment worked examples (referral 01/12/2023)', () => {
  const examples: Array<{
    name: string;
    jobs: Array<[string, string | null, number | null]>;
    expected: Array<[string, string] | null>;
  }> = [
    {
      name: '1: one open job from 01/05/2024',
      jobs: [['01/05/2024', null, 20]],
      expected: [
        ['30/07/2024', '16plus'],
        ['29/10/2024', '16plus'],
        ['29/04/2025', '16plus'],
      ],
    },
    {
      name: '2: a break of 41 days does not reset',
      jobs: [
        ['01/01/2024', '31/01/2024', 20],
        ['13/03/2024', null, 20],
      ],
      expected: [
        ['11/05/2024', '16plus'],
        ['10/08/2024', '16plus'],
        ['08/02/2025', '16plus'],
      ],
    },
    {
      name: '3: a break of 42 days resets',
      jobs: [
        ['01/01/2024', '31/01/2024', 20],
        ['14/03/2024', null, 20],
      ],
      expected: [
        ['12/06/2024', '16plus'],
        ['11/09/2024', '16plus'],
        ['12/03/2025', '16plus'],
      ],
    },
    {
      name: '4: overlapping jobs count a day once, their hours add up',
      jobs: [
        ['01/01/2024', '31/03/2024', 20],
        ['15/03/2024', null, 10],
      ],
      expected: [
        ['31/03/2024', '16plus'],
        ['30/06/2024', 'under16'],
        ['29/12/2024', 'under16'],
      ],
    },
    {
      name: '5: a job without hours makes the band "not recorded"',
      jobs: [
        ['01/01/2024', '15/02/2024', 20],
        ['20/02/2024', null, null],
      ],
      expected: [
        ['04/04/2024', 'unknown'],
        ['04/07/2024', 'unknown'],
        ['02/01/2025', 'unknown'],
      ],
    },
    {
      name: '6: a reset after 13 weeks keeps the 13-week outcome',
      jobs: [
        ['01/01/2024', '30/04/2024', 12],
        ['09/08/2024', null, 30],
      ],
      expected: [
        ['31/03/2024', 'under16'],
        ['06/02/2025', '16plus'],
        ['07/08/2025', '16plus'],
      ],
    },
    {
      name: '7: a job starting before the referral never counts',
      jobs: [['01/11/2023', null, 20]],
      expected: [null, null, null],
    },
  ];
  for (const { name, jobs, expected } of examples) {
    test(name, () => {
      const derived = deriveRecord(
        recordWithJobs(
          jobs.map(([start, end, hours]) => [uk(start), end === null ? null : uk(end), hours]),
        ),
      );
      assert.deepEqual(
        outcomes(derived),
        expected.map((outcome) => (outcome === null ? null : [uk(outcome[0]), outcome[1]])),
      );
    });
  }

  test('"for one job started on 1 May and still held, the 13-week date is 30 July (1 May + 90 days)"', () => {
    const derived = deriveRecord(recordWithJobs([['2024-05-01', null, 20]]));
    assert.equal(derived.sustainments.weeks13?.date, addDays('2024-05-01', 90));
    assert.equal(derived.sustainments.weeks13?.date, '2024-07-30');
  });

  test('the first job start is the earliest job on or after the referral', () => {
    const derived = deriveRecord(
      recordWithJobs([
        ['2024-06-01', null, 20],
        ['2023-11-01', '2023-11-30', 20],
        ['2024-02-01', '2024-03-01', 20],
      ]),
    );
    assert.equal(derived.firstJobStartDay, toDayNumber('2024-02-01'));
    assert.equal(derived.countedJobs.length, 2);
  });

  test('a job ending before it starts is ignored', () => {
    const derived = deriveRecord(recordWithJobs([['2024-05-01', '2024-04-01', 20]]));
    assert.equal(derived.countedJobs.length, 0);
    assert.deepEqual(outcomes(derived), [null, null, null]);
  });
});

describe('hours band at the 16-hour line', () => {
  const band13 = (jobs: Array<[string, string | null, number | null]>) =>
    deriveRecord(recordWithJobs(jobs)).sustainments.weeks13?.hoursBand;

  test('an average of exactly 16 is "16 hours or more"; just under is "under 16"', () => {
    assert.equal(band13([['2024-05-01', null, 16]]), '16plus');
    assert.equal(band13([['2024-05-01', null, 15.99]]), 'under16');
  });

  test('hours that add up to 16 in decimal still do in binary (0.07 + 15.93)', () => {
    assert.equal(0.07 * 91 + 15.93 * 91 < 16 * 91, true);
    assert.equal(
      band13([
        ['2024-05-01', null, 0.07],
        ['2024-05-01', null, 15.93],
      ]),
      '16plus',
    );
  });

  test('the average is over the accrued days only, not the break', () => {
    // 46 days, a 41-day break, then 45 days, all at 20 h: 20 h over the 91 accrued days (over the
    // 132 calendar days it would be 13.8).
    assert.equal(
      band13([
        ['2024-01-01', '2024-02-15', 20],
        ['2024-03-28', null, 20],
      ]),
      '16plus',
    );
  });

  test('a job without hours outside the days that earned the outcome does not matter', () => {
    const derived = deriveRecord(
      recordWithJobs([
        ['2024-01-01', null, 20],
        ['2024-04-15', '2024-04-30', null],
      ]),
    );
    assert.equal(derived.sustainments.weeks13?.hoursBand, '16plus');
    assert.equal(derived.sustainments.weeks26?.hoursBand, 'unknown');
  });
});

describe('time from VP start to first job, by calendar months', () => {
  test('six months after 31 August is the last day of February', () => {
    assert.equal(timeToFirstJobBand('2023-08-31', '2024-02-28'), 'under6m');
    assert.equal(timeToFirstJobBand('2023-08-31', '2024-02-29'), '6to12m');
    assert.equal(timeToFirstJobBand('2024-04-15', '2025-04-14'), '6to12m');
    assert.equal(timeToFirstJobBand('2024-04-15', '2025-04-15'), 'over12m');
    assert.equal(timeToFirstJobBand(null, '2025-04-15'), 'noVpStart');
  });

  test('whole months agree with addMonths for any pair of dates', () => {
    const date = fc
      .integer({ min: toDayNumber('2020-01-01'), max: toDayNumber('2027-12-31') })
      .map(fromDayNumber);
    fc.assert(
      fc.property(date, date, (from, to) => {
        const months = completedMonths(from, to);
        assert.ok(addMonths(from, months) <= to, `${from} + ${months} months ≤ ${to}`);
        assert.ok(addMonths(from, months + 1) > to, `${from} + ${months + 1} months > ${to}`);
      }),
    );
  });
});

/** Jobs as (start offset from referral, length in days or null for open, hours). */
const jobArbitrary = fc.record({
  startOffset: fc.integer({ min: 0, max: 900 }),
  length: fc.option(fc.integer({ min: 1, max: 400 }), { nil: null }),
  hours: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
});
type GeneratedJob = { startOffset: number; length: number | null; hours: number | null };

const REFERRAL_DAY = toDayNumber('2023-12-01');
function deriveJobs(jobs: readonly GeneratedJob[]): DerivedRecord {
  return deriveRecord(
    recordWithJobs(
      jobs.map(({ startOffset, length, hours }) => [
        fromDayNumber(REFERRAL_DAY + startOffset),
        length === null ? null : fromDayNumber(REFERRAL_DAY + startOffset + length - 1),
        hours,
      ]),
    ),
  );
}
const sustainmentDays = (derived: DerivedRecord): [number | null, number | null, number | null] => [
  derived.sustainments.weeks13?.day ?? null,
  derived.sustainments.weeks26?.day ?? null,
  derived.sustainments.weeks52?.day ?? null,
];

describe('sustainment rule properties', () => {
  test('splitting a job into two back-to-back jobs changes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(jobArbitrary, { maxLength: 4 }),
        jobArbitrary,
        fc.integer({ min: 1, max: 399 }),
        (others, job, cut) => {
          const whole = { ...job, length: job.length ?? 500 };
          fc.pre(cut < whole.length);
          const split = [
            { ...whole, length: cut },
            {
              startOffset: whole.startOffset + cut,
              length: whole.length - cut,
              hours: whole.hours,
            },
          ];
          assert.deepEqual(
            outcomes(deriveJobs([...others, ...split])),
            outcomes(deriveJobs([...others, whole])),
          );
        },
      ),
    );
  });

  test('a break of 41 days never resets the clock and 42 always does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 90 }),
        fc.integer({ min: 0, max: 300 }),
        (firstLength, startOffset) => {
          const withBreak = (breakDays: number) =>
            deriveJobs([
              { startOffset, length: firstLength, hours: 20 },
              { startOffset: startOffset + firstLength + breakDays, length: null, hours: 20 },
            ]).sustainments.weeks13?.day;
          const secondStart = REFERRAL_DAY + startOffset + firstLength;
          // No reset: the first job's days still count, so 13 weeks come sooner by exactly those days.
          assert.equal(withBreak(41), secondStart + 41 + (91 - firstLength) - 1);
          // Reset: 13 weeks counted from the second job alone.
          assert.equal(withBreak(42), secondStart + 42 + 91 - 1);
        },
      ),
    );
  });

  test('the 13-week date ≤ the 26-week date ≤ the 52-week date, and each needs its days', () => {
    fc.assert(
      fc.property(fc.array(jobArbitrary, { maxLength: 5 }), (jobs) => {
        const [d13, d26, d52] = sustainmentDays(deriveJobs(jobs));
        if (d26 !== null) assert.ok(d13 !== null && d13 <= d26);
        if (d52 !== null) assert.ok(d26 !== null && d26 <= d52);
        if (d13 !== null) assert.ok(d13 - REFERRAL_DAY >= 90);
      }),
    );
  });

  test('a duplicate of a job changes no date', () => {
    fc.assert(
      fc.property(fc.array(jobArbitrary, { minLength: 1, maxLength: 4 }), (jobs) => {
        const [first] = jobs;
        fc.pre(first !== undefined);
        assert.deepEqual(
          sustainmentDays(deriveJobs([...jobs, { ...first }])),
          sustainmentDays(deriveJobs(jobs)),
        );
      }),
    );
  });

  test('the sustainment date is the same computed with all jobs or only those started by then', () => {
    fc.assert(
      fc.property(fc.array(jobArbitrary, { maxLength: 5 }), (jobs) => {
        const all = deriveJobs(jobs);
        for (const weeks of SUSTAINMENT_WEEKS) {
          const outcome = sustainmentAt(all.sustainments, weeks);
          if (outcome === null) continue;
          const startedBy = jobs.filter((job) => REFERRAL_DAY + job.startOffset <= outcome.day);
          assert.equal(sustainmentAt(deriveJobs(startedBy).sustainments, weeks)?.day, outcome.day);
        }
      }),
    );
  });
});

/**
 * docs/METRICS.md's rule read literally, one calendar day at a time, as at `asAt`: jobs started by then
 * cover days up to their end or `asAt`; the accrued days since the clock last started earn each
 * outcome, and their hours give its band. The engine's derived dates must agree for every `asAt`.
 */
function literalRuleAsAt(
  jobs: readonly GeneratedJob[],
  asAtOffset: number,
): Array<[number, string] | null> {
  const counted = jobs.filter(
    (job) => job.startOffset >= 0 && job.startOffset <= asAtOffset && job.length !== 0,
  );
  const lastDay = (job: GeneratedJob) =>
    Math.min(job.length === null ? asAtOffset : job.startOffset + job.length - 1, asAtOffset);
  const results: Array<[number, string] | null> = [null, null, null];
  let accruedDays: GeneratedJob[][] = [];
  let breakDays = 0;
  for (let day = 0; day <= asAtOffset; day++) {
    const covering = counted.filter((job) => job.startOffset <= day && day <= lastDay(job));
    if (covering.length === 0) {
      breakDays++;
      continue;
    }
    if (accruedDays.length === 0 || breakDays >= 42) accruedDays = [];
    breakDays = 0;
    accruedDays.push(covering);
    SUSTAINMENT_WEEKS.forEach((weeks, index) => {
      if (results[index] !== null || accruedDays.length !== weeks * 7) return;
      const hoursKnown = accruedDays.every((jobsOnDay) =>
        jobsOnDay.every((job) => job.hours !== null),
      );
      const totalHours = accruedDays.reduce(
        (sum, jobsOnDay) => sum + jobsOnDay.reduce((daySum, job) => daySum + (job.hours ?? 0), 0),
        0,
      );
      const band = !hoursKnown ? 'unknown' : totalHours / (weeks * 7) < 16 ? 'under16' : '16plus';
      results[index] = [REFERRAL_DAY + day, band];
    });
  }
  return results;
}

/** Jobs around the referral: some start before it, some end before they start (length 0). */
const looseJobArbitrary = fc.record({
  startOffset: fc.integer({ min: -60, max: 700 }),
  length: fc.option(fc.integer({ min: 0, max: 300 }), { nil: null, freq: 3 }),
  hours: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null, freq: 8 }),
});

describe('derived dates against the rule read literally, day by day', () => {
  test('counting a derived outcome only where it is ≤ A gives the rule as at A', () => {
    fc.assert(
      fc.property(
        fc.array(looseJobArbitrary, { maxLength: 5 }),
        fc.integer({ min: 0, max: 1300 }),
        (jobs, asAtOffset) => {
          const derived = deriveJobs(jobs);
          const countedAsAt = SUSTAINMENT_WEEKS.map((weeks) => {
            const outcome = sustainmentAt(derived.sustainments, weeks);
            return outcome === null || outcome.day > REFERRAL_DAY + asAtOffset
              ? null
              : [outcome.day, outcome.hoursBand];
          });
          assert.deepEqual(countedAsAt, literalRuleAsAt(jobs, asAtOffset));
        },
      ),
      { numRuns: 150 },
    );
  });

  test('moving "today" later never removes or changes a sustainment', () => {
    fc.assert(
      fc.property(
        fc.array(looseJobArbitrary, { maxLength: 5 }),
        fc.integer({ min: 0, max: 900 }),
        fc.integer({ min: 1, max: 400 }),
        (jobs, today, later) => {
          const before = literalRuleAsAt(jobs, today);
          const after = literalRuleAsAt(jobs, today + later);
          before.forEach((outcome, index) => {
            if (outcome !== null) assert.deepEqual(after[index], outcome);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
});
