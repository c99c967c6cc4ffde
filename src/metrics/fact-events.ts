import { addDays, fromDayNumber, type IsoDate } from '../calendar/calendar-date.ts';
import {
  asAtDate,
  emptyTally,
  type GrowingTally,
  HOURS_SCALE,
  type MetricsQuery,
  matchesEmploymentStatus,
  type TalliedCount,
  tallyCountIndex,
} from './compute.ts';
import { type DerivedRecord, SUSTAINMENT_WEEKS, sustainmentAt } from './derive.ts';

/**
 * A record's figures as dated events (docs/FACTS.md): each is counted for a period [from, to] and
 * an as-at date A by comparing its one or two days with from, to and A, so a database can count
 * every figure of any period by sorting the events into the bins between a page's dates
 * (`width_bucket`) and adding up bins: one pass over the events, whatever the number of periods,
 * and nothing to rewrite when the day changes. The engine decides the events here; the database
 * only counts them; `tallyOfBins` turns the counts into a tally as `tallyMetrics` would.
 */

export const EVENT_KINDS = [
  /**
   * One per record, on the referral date; `amount` is the days to first contact (null: none). Also
   * the group's count of records, whatever the period or filter: a group is shown while it holds one.
   */
  'referral',
  /** On the VP start date; `amount` is the days to first employer contact (null: none). */
  'vpStart',
  'discharge',
  /**
   * From the VP start `on`, to the discharge `until` (null: not discharged): the caseload, and for
   * those not employed at referral the employment rate's population.
   */
  'caseload',
  /** On the first counted job's start; `band` is the time to first job. */
  'firstJob',
  'sustained13',
  'sustained26',
  'sustained52',
  /**
   * A counted job's start; `until` is the start of the record's job before it (null: none), so a
   * person is supported into work in a period by the first job they start in it; `amount` is its
   * weekly hours in millionths of an hour.
   */
  'job',
  /** On the caseload and in a job, from `on` until (not including) `until` (null: still). */
  'inWork',
  /**
   * The employment rate's "worked in the period": counted, weighted by `amount` (+1 or −1), for a
   * period whose as-at date is on or after `on` and whose start is on or before `until`.
   */
  'servedInWork',
] as const;

export type EventKind = (typeof EVENT_KINDS)[number];

/** The kinds that count while a spell runs: only for a period that starts on or before its `until`. */
export const SPELL_KINDS: readonly EventKind[] = ['caseload', 'inWork', 'servedInWork'];

/** Stored for a spell that has not ended: PostgreSQL's date after every other. */
export const NEVER_ENDS = 'infinity';

/**
 * The last day an event counts for: a period whose start is after it gains nothing from the event
 * but a referral's part in its group's count of records (`olderRecordsBin`). A spell counts until
 * its `until` (null: for ever); anything else only for periods starting on or before its day. So
 * a page reads only the events whose last day is on or after its first date.
 */
export function lastCountedDay(event: Pick<FactEvent, 'kind' | 'on' | 'until'>): IsoDate {
  if (!SPELL_KINDS.includes(event.kind)) return event.on;
  return event.until ?? NEVER_ENDS;
}

export interface FactEvent {
  readonly kind: EventKind;
  readonly on: IsoDate;
  readonly until: IsoDate | null;
  readonly band: string | null;
  readonly amount: number | null;
}

/** Employment status at referral as bits, so an event carries what the filters and shares ask. */
export const OUT_OF_WORK_BIT = 1;
export const IN_WORK_BIT = 2;
export const STATUS_KNOWN_BIT = 4;

export function statusBits(derived: DerivedRecord): number {
  return (
    (derived.outOfWork ? OUT_OF_WORK_BIT : 0) |
    (derived.inWork ? IN_WORK_BIT : 0) |
    (derived.employmentStatusKnown ? STATUS_KNOWN_BIT : 0)
  );
}

const dayOf = (day: number): IsoDate | null => (Number.isFinite(day) ? fromDayNumber(day) : null);

/** Intervals [start, end) of days, merged where they overlap or touch; ends may be Infinity. */
function mergedIntervals(intervals: Array<readonly [number, number]>) {
  const merged: Array<[number, number]> = [];
  const nonEmpty = intervals.filter(([start, end]) => start < end);
  for (const [start, end] of nonEmpty.sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

export function factEventsOf(derived: DerivedRecord): FactEvent[] {
  const events: FactEvent[] = [];
  const add = (
    kind: EventKind,
    on: number,
    until: number | null = null,
    band: string | null = null,
    amount: number | null = null,
  ) =>
    events.push({
      kind,
      on: fromDayNumber(on),
      until: until === null ? null : dayOf(until),
      band,
      amount,
    });
  const { referralDay, vpStartDay, dischargeDay, countedJobs } = derived;
  const waitFrom = (day: number, until: number | null) => (until === null ? null : until - day);
  add('referral', referralDay, null, null, waitFrom(referralDay, derived.firstContactDay));
  if (dischargeDay !== null) add('discharge', dischargeDay);
  if (vpStartDay !== null) {
    add('vpStart', vpStartDay, null, null, waitFrom(vpStartDay, derived.employerContactDay));
    add('caseload', vpStartDay, dischargeDay);
  }
  if (derived.timeToFirstJob !== null && derived.firstJobStartDay !== null) {
    add('firstJob', derived.firstJobStartDay, null, derived.timeToFirstJob);
  }
  for (const weeks of SUSTAINMENT_WEEKS) {
    const outcome = sustainmentAt(derived.sustainments, weeks);
    if (outcome) add(`sustained${weeks}`, outcome.day, null, outcome.hoursBand);
  }
  // Jobs are sorted by start, so the one before is the previous start.
  countedJobs.forEach((job, index) => {
    const hours = job.hoursPerWeek === null ? null : Math.round(job.hoursPerWeek * HOURS_SCALE);
    add('job', job.startDay, countedJobs[index - 1]?.startDay ?? null, null, hours);
  });
  if (vpStartDay === null || countedJobs.length === 0) return events;
  const leaves = dischargeDay ?? Number.POSITIVE_INFINITY;
  // In work on the caseload on day A: A in [VP start, discharge) and in [job start, job end].
  for (const [start, end] of mergedIntervals(
    countedJobs.map((job) => [
      Math.max(vpStartDay, job.startDay),
      Math.min(leaves, job.endDay + 1),
    ]),
  )) {
    add('inWork', start, end);
  }
  if (derived.inWork) return events;
  // Worked in [from, A]: some job with max(VP start, job start) ≤ A and min(discharge, job end) ≥
  // from. Each job is a quarter-plane of (from, A); their union is a staircase of the jobs that
  // no other beats on both, counted once as each corner (+1) less each overlap of neighbours (−1).
  const corners = countedJobs
    .map((job) => [Math.max(vpStartDay, job.startDay), Math.min(leaves, job.endDay)] as const)
    .sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  let reach = Number.NEGATIVE_INFINITY;
  let previous: readonly [number, number] | null = null;
  for (const corner of corners) {
    if (corner[1] <= reach) continue;
    if (previous) add('servedInWork', corner[0], previous[1], null, -1);
    add('servedInWork', corner[0], corner[1], null, 1);
    previous = corner;
    reach = corner[1];
  }
  return events;
}

/**
 * The count of one bin of events: their kind and status bits, the bins their days fall in among a
 * page's sorted dates (1 + the index of the last date on or before the day, 0 if none; `until`
 * null when the event has none), their band, their wait in days, the specialist of a caseload,
 * and how many there were with the sum and count of their amounts.
 */
export interface EventBin {
  readonly kind: EventKind;
  readonly status: number;
  readonly on: number;
  readonly until: number | null;
  readonly band: string | null;
  readonly wait: number | null;
  readonly specialist: string | null;
  readonly n: number;
  readonly amountSum: number;
  readonly amountCount: number;
}

/**
 * The bin standing for a group's records referred before a page's first date, whose events the
 * page does not read: they count towards the group's records, and nothing else.
 */
export function olderRecordsBin(n: number): EventBin {
  return {
    kind: 'referral',
    status: 0,
    on: 0,
    until: null,
    band: null,
    wait: null,
    specialist: null,
    n,
    amountSum: 0,
    amountCount: 0,
  };
}

/** The dates a set of queries' bins are split at: each period's start, and the days after its end and as-at date. */
export function binDates(queries: readonly MetricsQuery[]): IsoDate[] {
  return [
    ...new Set(
      queries.flatMap((query) => [query.from, addDays(query.to, 1), addDays(asAtDate(query), 1)]),
    ),
  ].sort();
}

/** The kinds whose amount is a wait, kept as the histograms' keys. */
export const WAIT_KINDS: readonly EventKind[] = ['referral', 'vpStart'];

function addTo<K>(histogram: Map<K, number>, key: K, by: number) {
  histogram.set(key, (histogram.get(key) ?? 0) + by);
}

/**
 * What a tally holds beyond its counts and sums: 'counts' nothing more; 'waits' the waits'
 * histograms; 'full' the caseload by specialist as well. A split that shows only counts (the
 * groups, months and fields of a dashboard) is counted in far fewer bins.
 */
export type TallyDetail = 'counts' | 'waits' | 'full';

export const WITH_WAITS: ReadonlySet<TallyDetail> = new Set(['waits', 'full']);

/**
 * A query's figures' tally from the bins of its events, binned at dates that include
 * `binDates([query])`; the bins must carry the waits and specialists the detail asks for.
 */
export function tallyOfBins(
  bins: Iterable<EventBin>,
  dates: readonly IsoDate[],
  query: MetricsQuery,
  detail: TallyDetail = 'full',
): GrowingTally {
  const withWaits = WITH_WAITS.has(detail);
  const bySpecialist = detail === 'full';
  const asAt = asAtDate(query);
  const position = (date: IsoDate) => {
    const index = dates.indexOf(date);
    if (index < 0) throw new Error(`The bins were not split at ${date}`);
    return index + 1;
  };
  const from = position(query.from);
  const afterTo = position(addDays(query.to, 1));
  const afterAsAt = position(addDays(asAt, 1));
  const tally = emptyTally();
  const { counts } = tally;
  const bump = (name: TalliedCount, by: number) => {
    const index = tallyCountIndex(name);
    counts[index] = (counts[index] ?? 0) + by;
  };
  const status = { outOfWork: false, inWork: false };
  for (const bin of bins) {
    const { n } = bin;
    if (bin.kind === 'referral') bump('records', n);
    status.outOfWork = (bin.status & OUT_OF_WORK_BIT) !== 0;
    status.inWork = (bin.status & IN_WORK_BIT) !== 0;
    if (!matchesEmploymentStatus(status, query.employmentStatus)) continue;
    const inPeriod = bin.on >= from && bin.on < afterTo;
    const toAsAt = bin.on >= from && bin.on < afterAsAt;
    const byAsAt = bin.on < afterAsAt;
    const openAtAsAt = bin.until === null || bin.until >= afterAsAt;
    switch (bin.kind) {
      case 'referral':
        if (!inPeriod) break;
        bump('referrals', n);
        if (withWaits && bin.wait !== null) addTo(tally.daysToFirstContact, bin.wait, n);
        if (bin.status & STATUS_KNOWN_BIT) {
          bump('retentionPopulation', n);
          if (bin.status & IN_WORK_BIT) bump('retained', n);
        }
        break;
      case 'vpStart':
        if (!inPeriod) break;
        bump('vpStarts', n);
        if (withWaits && bin.wait !== null) addTo(tally.daysToEmployerContact, bin.wait, n);
        break;
      case 'discharge':
        if (inPeriod) bump('discharges', n);
        break;
      case 'caseload':
        if (!byAsAt) break;
        if (openAtAsAt) {
          bump('activeCaseload', n);
          if (bySpecialist) addTo(tally.caseloadBySpecialist, bin.specialist ?? '', n);
        }
        if (!(bin.status & IN_WORK_BIT) && (bin.until === null || bin.until >= from)) {
          bump('servedPopulation', n);
        }
        break;
      case 'firstJob':
        if (!toAsAt) break;
        bump('firstJobStarts', n);
        bump(`firstJob:${bin.band}` as TalliedCount, n);
        break;
      case 'sustained13':
      case 'sustained26':
      case 'sustained52':
        if (!toAsAt) break;
        bump(bin.kind, n);
        bump(`${bin.kind.slice('sustained'.length)}:${bin.band}` as TalliedCount, n);
        break;
      case 'job':
        if (!toAsAt) break;
        bump('jobStarts', n);
        bump('hoursTotal', bin.amountSum);
        bump('hoursCount', bin.amountCount);
        if (bin.until === null || bin.until < from) bump('supportedIntoWork', n);
        break;
      case 'inWork':
        if (byAsAt && openAtAsAt) bump('activeInWork', n);
        break;
      case 'servedInWork':
        if (query.from <= asAt && byAsAt && (bin.until === null || bin.until >= from)) {
          bump('servedInWork', bin.amountSum);
        }
        break;
    }
  }
  return tally;
}
