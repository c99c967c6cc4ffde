import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { day, recordArbitrary } from '../../test/support/record-arbitrary.ts';
import { job, referral } from '../../test/support/test-referrals.ts';
import { addDays, type IsoDate } from '../calendar/calendar-date.ts';
import { type MetricsQuery, metricsFromTally, recordsIn, tallyMetrics } from './compute.ts';
import { type DerivedRecord, deriveRecord } from './derive.ts';
import {
  binDates,
  EVENT_KINDS,
  type EventBin,
  type FactEvent,
  factEventsOf,
  lastCountedDay,
  olderRecordsBin,
  SPELL_KINDS,
  statusBits,
  tallyOfBins,
  WAIT_KINDS,
} from './fact-events.ts';

/** The bin of a day among sorted dates, as PostgreSQL's `width_bucket(day, dates)` gives it. */
function binOf(day: IsoDate, dates: readonly IsoDate[]): number {
  let low = 0;
  let high = dates.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((dates[middle] ?? '') <= day) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The bin of each of a record's events, counted alone: what the SQL's GROUP BY adds up. */
function binsOfEvents(
  events: readonly FactEvent[],
  status: number,
  specialist: string,
  dates: readonly IsoDate[],
): EventBin[] {
  return events.map((event) => ({
    kind: event.kind,
    status,
    on: binOf(event.on, dates),
    until: event.until === null ? null : binOf(event.until, dates),
    band: event.band,
    wait: WAIT_KINDS.includes(event.kind) ? event.amount : null,
    specialist: event.kind === 'caseload' ? specialist : null,
    n: 1,
    amountSum: event.amount ?? 0,
    amountCount: event.amount === null ? 0 : 1,
  }));
}

/**
 * The events' bins, counted here one by one as the database's GROUP BY adds them up: only the
 * events whose last counted day is on or after the first date, and the older records as one bin.
 */
function figuresFromEvents(records: readonly DerivedRecord[], queries: readonly MetricsQuery[]) {
  const dates = binDates(queries);
  const first = dates[0] ?? '';
  const bins = records.flatMap((derived) =>
    binsOfEvents(
      factEventsOf(derived).filter((event) => lastCountedDay(event) >= first),
      statusBits(derived),
      derived.record.specialist,
      dates,
    ),
  );
  bins.push(olderRecordsBin(records.filter(({ record }) => record.referralDate < first).length));
  return queries.map((query) => {
    const tally = tallyOfBins(bins, dates, query);
    return { records: recordsIn(tally), metrics: metricsFromTally(tally, query) };
  });
}

const engineFigures = (records: readonly DerivedRecord[], queries: readonly MetricsQuery[]) =>
  queries.map((query) => {
    const tally = tallyMetrics(records, query);
    return { records: recordsIn(tally), metrics: metricsFromTally(tally, query) };
  });

const queryArbitrary = fc
  .record({
    from: day('2022-06-01', '2026-06-30'),
    length: fc.integer({ min: 0, max: 500 }),
    today: day('2023-01-01', '2027-01-01'),
    employmentStatus: fc.constantFrom('all', 'out-of-work', 'in-work') as fc.Arbitrary<
      MetricsQuery['employmentStatus']
    >,
  })
  .map(
    ({ from, length, today, employmentStatus }): MetricsQuery => ({
      from,
      to: addDays(from, length),
      today,
      employmentStatus,
    }),
  );

describe('figures counted from dated events', () => {
  test('every figure equals the engine, for any records and any periods binned together', () => {
    fc.assert(
      fc.property(
        fc.array(recordArbitrary, { maxLength: 30 }),
        fc.array(queryArbitrary, { minLength: 1, maxLength: 6 }),
        (records, queries) => {
          assert.deepEqual(figuresFromEvents(records, queries), engineFigures(records, queries));
        },
      ),
      { numRuns: 400, seed: 18 },
    );
  });

  test('a client in two overlapping jobs is one person in work, counted once in each share', () => {
    const record = deriveRecord(
      referral({
        referralDate: '2025-01-10',
        vpStartDate: '2025-01-20',
        employmentStatus: 'Unemployed - seeking work',
        jobs: [job('2025-02-01', '2025-06-30', 10), job('2025-03-01', null, 20)],
      }),
    );
    const query: MetricsQuery = {
      from: '2025-04-01',
      to: '2026-03-31',
      today: '2025-05-01',
      employmentStatus: 'all',
    };
    const [figures] = figuresFromEvents([record], [query]);
    assert.equal(figures?.metrics.employedShareOfCaseload, 1);
    assert.equal(figures?.metrics.employmentRate, 1);
    assert.equal(figures?.metrics.supportedIntoWork, 0, 'both jobs began before the period');
    assert.equal(
      factEventsOf(record).filter((event) => event.kind === 'inWork').length,
      1,
      'the overlapping jobs are one spell in work',
    );
  });

  test('a job ending on the as-at date is still a job held on it', () => {
    const record = deriveRecord(
      referral({
        referralDate: '2025-01-10',
        vpStartDate: '2025-01-20',
        jobs: [job('2025-02-01', '2025-05-01', 16)],
      }),
    );
    const on = (today: string) =>
      figuresFromEvents(
        [record],
        [{ from: '2025-04-01', to: '2026-03-31', today, employmentStatus: 'all' } as MetricsQuery],
      )[0]?.metrics.employedShareOfCaseload;
    assert.equal(on('2025-05-01'), 1);
    assert.equal(on('2025-05-02'), 0);
  });

  test('the kinds migrations 0017 and 0018 name by number are these', () => {
    assert.equal(EVENT_KINDS.indexOf('caseload'), 3);
    // Migration 0018 wrote the existing events' last days with these.
    assert.deepEqual(
      SPELL_KINDS.map((kind) => EVENT_KINDS.indexOf(kind)),
      [3, 9, 10],
    );
  });

  test('bins are numbered as width_bucket numbers them', () => {
    const dates = ['2025-04-01', '2025-05-01', '2025-06-01'] as const;
    assert.equal(binOf('2025-03-31', dates), 0);
    assert.equal(binOf('2025-04-01', dates), 1);
    assert.equal(binOf('2025-05-31', dates), 2);
    assert.equal(binOf('2025-06-01', dates), 3);
    assert.equal(binOf('2030-01-01', dates), 3);
  });
});
