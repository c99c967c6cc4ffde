import { type IsoDate, toDayNumber } from '../calendar/calendar-date.ts';
import {
  type DerivedRecord,
  type HoursBand,
  SUSTAINMENT_WEEKS,
  type SustainmentWeeks,
  sustainmentAt,
  type TimeToFirstJobBand,
} from './derive.ts';
import { QUALITY_GUIDANCE } from './guidance.ts';

/**
 * Every figure of docs/METRICS.md over a period and an as-at date, from derived records. The result is
 * exactly the "Machine-readable form" object: same keys, same order, null for an empty population.
 */

export type EmploymentStatusFilter = 'all' | 'out-of-work' | 'in-work';

export interface MetricsQuery {
  readonly from: IsoDate;
  readonly to: IsoDate;
  /** Explicit, so results are reproducible; the as-at date is min(to, today). */
  readonly today: IsoDate;
  readonly employmentStatus: EmploymentStatusFilter;
}

export type HoursBandCounts = Record<HoursBand, number>;

export interface TimeToTarget {
  readonly median: number | null;
  /** Share within the target (QUALITY_GUIDANCE's days to first contact, to employer contact). */
  readonly withinTarget: number | null;
  readonly n: number;
}

export interface MetricsResult {
  period: { from: IsoDate; to: IsoDate; asAt: IsoDate };
  referrals: number;
  vpStarts: number;
  activeCaseload: number;
  jobStarts: number;
  supportedIntoWork: number;
  firstJobStarts: number;
  sustained13: number;
  sustained26: number;
  sustained52: number;
  discharges: number;
  sustainedByHours: Record<'13' | '26' | '52', HoursBandCounts>;
  daysToFirstContact: TimeToTarget;
  daysToEmployerContact: TimeToTarget;
  timeToFirstJob: Record<TimeToFirstJobBand, number>;
  caseloadPerSpecialist: Record<string, number>;
  employedShareOfCaseload: number | null;
  retentionShare: number | null;
  averageHours: number | null;
  employmentRate: number | null;
}

export function asAtDate(query: Pick<MetricsQuery, 'to' | 'today'>): IsoDate {
  // ISO dates compare as strings; the period's end, unless that is still to come.
  if (query.to < query.today) return query.to;
  return query.today;
}

export function matchesEmploymentStatus(
  record: Pick<DerivedRecord, 'outOfWork' | 'inWork'>,
  filter: EmploymentStatusFilter,
): boolean {
  return filter === 'all' || (filter === 'out-of-work' ? record.outOfWork : record.inWork);
}

const within = (day: number | null, fromDay: number, toDay: number): day is number =>
  day !== null && day >= fromDay && day <= toDay;

/**
 * The additive part of the figures of one set of records: counts and sums in one flat array (so
 * adding two is one short loop), the waits as histograms (days → records) and the caseload by
 * specialist. Tallies of disjoint sets of records (teams, say) add up to the tally of their
 * union, so wider scopes are sums of narrower ones; the figures are worked out from a tally only at
 * the end (`metricsFromTally`).
 */
export interface MetricsTally {
  /** Indexed by `COUNT`. */
  readonly counts: Float64Array;
  readonly daysToFirstContact: ReadonlyMap<number, number>;
  readonly daysToEmployerContact: ReadonlyMap<number, number>;
  readonly caseloadBySpecialist: ReadonlyMap<string, number>;
}

/** A tally being added to. */
export interface GrowingTally extends MetricsTally {
  readonly daysToFirstContact: Map<number, number>;
  readonly daysToEmployerContact: Map<number, number>;
  readonly caseloadBySpecialist: Map<string, number>;
}

const TALLIED = [
  /** Records of the set, whatever the period or filter: a group is shown while it holds one. */
  'records',
  'referrals',
  'vpStarts',
  'activeCaseload',
  'activeInWork',
  'jobStarts',
  'supportedIntoWork',
  'firstJobStarts',
  'discharges',
  'retentionPopulation',
  'retained',
  'servedPopulation',
  'servedInWork',
  'hoursTotal',
  'hoursCount',
  'sustained13',
  'sustained26',
  'sustained52',
  ...SUSTAINMENT_WEEKS.flatMap((weeks) =>
    (['under16', '16plus', 'unknown'] as const).map((band) => `${weeks}:${band}` as const),
  ),
  ...(['under6m', '6to12m', 'over12m', 'noVpStart'] as const).map(
    (band) => `firstJob:${band}` as const,
  ),
] as const;

/** The name of each count a tally holds. */
export type TalliedCount = (typeof TALLIED)[number];

/** Where each count is in a tally's `counts`. */
const COUNT = Object.fromEntries(TALLIED.map((name, index) => [name, index])) as {
  readonly [Name in (typeof TALLIED)[number]]: number;
};

/** Where a count is in a tally's `counts`. */
export const tallyCountIndex = (name: TalliedCount): number => COUNT[name];

export function emptyTally(): GrowingTally {
  return {
    counts: new Float64Array(TALLIED.length),
    daysToFirstContact: new Map(),
    daysToEmployerContact: new Map(),
    caseloadBySpecialist: new Map(),
  };
}

/** A tally of counts worked out elsewhere (SQL over the stored facts), its histograms empty. */
export function tallyOfCounts(count: (name: TalliedCount) => number): GrowingTally {
  const tally = emptyTally();
  TALLIED.forEach((name, index) => {
    tally.counts[index] = count(name);
  });
  return tally;
}

function addHistogram<K>(into: Map<K, number>, from: ReadonlyMap<K, number>) {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

/** Adds `from` into `into`: the tally of the two sets of records together. */
export function addTally(into: GrowingTally, from: MetricsTally): GrowingTally {
  const { counts } = into;
  for (let index = 0; index < counts.length; index++) {
    counts[index] = (counts[index] ?? 0) + (from.counts[index] ?? 0);
  }
  if (from.daysToFirstContact.size > 0) {
    addHistogram(into.daysToFirstContact, from.daysToFirstContact);
  }
  if (from.daysToEmployerContact.size > 0) {
    addHistogram(into.daysToEmployerContact, from.daysToEmployerContact);
  }
  if (from.caseloadBySpecialist.size > 0) {
    addHistogram(into.caseloadBySpecialist, from.caseloadBySpecialist);
  }
  return into;
}

function subtractHistogram<K>(from: Map<K, number>, taken: ReadonlyMap<K, number>) {
  for (const [key, count] of taken) {
    const left = (from.get(key) ?? 0) - count;
    if (left === 0) from.delete(key);
    else from.set(key, left);
  }
}

/** Takes `taken` (once added in) out of `from`: how a team's old tally leaves a wider sum. */
export function subtractTally(from: GrowingTally, taken: MetricsTally): GrowingTally {
  const { counts } = from;
  for (let index = 0; index < counts.length; index++) {
    counts[index] = (counts[index] ?? 0) - (taken.counts[index] ?? 0);
  }
  subtractHistogram(from.daysToFirstContact, taken.daysToFirstContact);
  subtractHistogram(from.daysToEmployerContact, taken.daysToEmployerContact);
  subtractHistogram(from.caseloadBySpecialist, taken.caseloadBySpecialist);
  return from;
}

/** The records a tally holds, whatever its period. */
export const recordsIn = (tally: MetricsTally): number => tally.counts[COUNT.records] ?? 0;

export function sumTallies(tallies: Iterable<MetricsTally>): GrowingTally {
  const sum = emptyTally();
  for (const tally of tallies) addTally(sum, tally);
  return sum;
}

/**
 * Hours are added up in millionths of an hour, as whole numbers: exact, so the sum is the same
 * whatever order teams and records are added (and taken away) in, where decimals such as 7.3 added
 * as binary fractions would differ in the last digit.
 */
export const HOURS_SCALE = 1_000_000;

const count = (histogram: Map<number, number>, days: number) =>
  histogram.set(days, (histogram.get(days) ?? 0) + 1);

const SUSTAINED_COUNT = { 13: COUNT.sustained13, 26: COUNT.sustained26, 52: COUNT.sustained52 };
const BAND_COUNT = Object.fromEntries(
  SUSTAINMENT_WEEKS.map((weeks) => [
    weeks,
    {
      under16: COUNT[`${weeks}:under16`],
      '16plus': COUNT[`${weeks}:16plus`],
      unknown: COUNT[`${weeks}:unknown`],
    },
  ]),
) as Record<SustainmentWeeks, Record<HoursBand, number>>;

export function tallyMetrics(records: readonly DerivedRecord[], query: MetricsQuery): MetricsTally {
  const asAtDay = toDayNumber(asAtDate(query));
  const fromDay = toDayNumber(query.from);
  const toDay = toDayNumber(query.to);
  const tally = emptyTally();
  const { counts, caseloadBySpecialist } = tally;
  const bump = (index: number, by = 1) => {
    counts[index] = (counts[index] ?? 0) + by;
  };

  for (const derived of records) {
    bump(COUNT.records);
    if (!matchesEmploymentStatus(derived, query.employmentStatus)) continue;
    const { record } = derived;

    if (within(derived.referralDay, fromDay, toDay)) {
      bump(COUNT.referrals);
      if (derived.firstContactDay !== null)
        count(tally.daysToFirstContact, derived.firstContactDay - derived.referralDay);
      if (derived.employmentStatusKnown) {
        bump(COUNT.retentionPopulation);
        if (derived.inWork) bump(COUNT.retained);
      }
    }
    if (within(derived.vpStartDay, fromDay, toDay)) {
      bump(COUNT.vpStarts);
      if (derived.employerContactDay !== null) {
        count(tally.daysToEmployerContact, derived.employerContactDay - derived.vpStartDay);
      }
    }
    if (within(derived.dischargeDay, fromDay, toDay)) bump(COUNT.discharges);

    // Jobs starting after the as-at date never count, whatever the period's end; when the
    // period starts after today, [from, A] has no day to work.
    let startedInPeriod = 0;
    let coversAsAt = false;
    let workedInPeriod = false;
    for (const job of derived.countedJobs) {
      if (job.startDay > asAtDay) break;
      if (job.startDay >= fromDay) {
        startedInPeriod++;
        if (job.hoursPerWeek !== null) {
          bump(COUNT.hoursTotal, Math.round(job.hoursPerWeek * HOURS_SCALE));
          bump(COUNT.hoursCount);
        }
      }
      if (job.endDay >= asAtDay) coversAsAt = true;
      if (job.endDay >= fromDay && fromDay <= asAtDay) workedInPeriod = true;
    }
    bump(COUNT.jobStarts, startedInPeriod);
    if (startedInPeriod > 0) bump(COUNT.supportedIntoWork);

    if (derived.timeToFirstJob !== null && within(derived.firstJobStartDay, fromDay, asAtDay)) {
      bump(COUNT.firstJobStarts);
      bump(COUNT[`firstJob:${derived.timeToFirstJob}`]);
    }

    for (const weeks of SUSTAINMENT_WEEKS) {
      const outcome = sustainmentAt(derived.sustainments, weeks);
      if (outcome === null || !within(outcome.day, fromDay, asAtDay)) continue;
      bump(SUSTAINED_COUNT[weeks]);
      bump(BAND_COUNT[weeks][outcome.hoursBand]);
    }

    const onCaseloadAtAsAt = derived.vpStartDay !== null && derived.vpStartDay <= asAtDay;
    if (onCaseloadAtAsAt && (derived.dischargeDay === null || derived.dischargeDay > asAtDay)) {
      bump(COUNT.activeCaseload);
      if (coversAsAt) bump(COUNT.activeInWork);
      caseloadBySpecialist.set(
        record.specialist,
        (caseloadBySpecialist.get(record.specialist) ?? 0) + 1,
      );
    }
    if (
      onCaseloadAtAsAt &&
      (derived.dischargeDay === null || derived.dischargeDay >= fromDay) &&
      !derived.inWork
    ) {
      bump(COUNT.servedPopulation);
      if (workedInPeriod) bump(COUNT.servedInWork);
    }
  }
  return keptSmall(tally);
}

const NONE: ReadonlyMap<never, number> = new Map<never, number>();

/** Most tallies of a team and month have no waits or caseload: they share one empty map. */
function keptSmall(tally: GrowingTally): MetricsTally {
  return {
    counts: tally.counts,
    daysToFirstContact: tally.daysToFirstContact.size > 0 ? tally.daysToFirstContact : NONE,
    daysToEmployerContact:
      tally.daysToEmployerContact.size > 0 ? tally.daysToEmployerContact : NONE,
    caseloadBySpecialist: tally.caseloadBySpecialist.size > 0 ? tally.caseloadBySpecialist : NONE,
  };
}

/** The figures of docs/METRICS.md from a tally of the records over the query's period. */
export function metricsFromTally(tally: MetricsTally, query: MetricsQuery): MetricsResult {
  const c = (name: (typeof TALLIED)[number]) => tally.counts[COUNT[name]] ?? 0;
  const byHours = (weeks: SustainmentWeeks): HoursBandCounts => ({
    under16: c(`${weeks}:under16`),
    '16plus': c(`${weeks}:16plus`),
    unknown: c(`${weeks}:unknown`),
  });
  return {
    period: { from: query.from, to: query.to, asAt: asAtDate(query) },
    referrals: c('referrals'),
    vpStarts: c('vpStarts'),
    activeCaseload: c('activeCaseload'),
    jobStarts: c('jobStarts'),
    supportedIntoWork: c('supportedIntoWork'),
    firstJobStarts: c('firstJobStarts'),
    sustained13: c('sustained13'),
    sustained26: c('sustained26'),
    sustained52: c('sustained52'),
    discharges: c('discharges'),
    sustainedByHours: { '13': byHours(13), '26': byHours(26), '52': byHours(52) },
    daysToFirstContact: timeToTarget(
      tally.daysToFirstContact,
      QUALITY_GUIDANCE.daysToFirstContact.withinDays,
    ),
    daysToEmployerContact: timeToTarget(
      tally.daysToEmployerContact,
      QUALITY_GUIDANCE.daysToEmployerContact.withinDays,
    ),
    timeToFirstJob: {
      under6m: c('firstJob:under6m'),
      '6to12m': c('firstJob:6to12m'),
      over12m: c('firstJob:over12m'),
      noVpStart: c('firstJob:noVpStart'),
    },
    caseloadPerSpecialist: Object.fromEntries(
      [...tally.caseloadBySpecialist].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    employedShareOfCaseload: share(c('activeInWork'), c('activeCaseload')),
    retentionShare: share(c('retained'), c('retentionPopulation')),
    averageHours: c('hoursCount') === 0 ? null : c('hoursTotal') / (c('hoursCount') * HOURS_SCALE),
    employmentRate: share(c('servedInWork'), c('servedPopulation')),
  };
}

export function computeMetrics(
  records: readonly DerivedRecord[],
  query: MetricsQuery,
): MetricsResult {
  return metricsFromTally(tallyMetrics(records, query), query);
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function median(values: readonly number[]): number | null {
  const histogram = new Map<number, number>();
  for (const value of values) count(histogram, value);
  return histogramMedian(histogram);
}

/** The median of the values a histogram (value → how many) holds. */
function histogramMedian(histogram: ReadonlyMap<number, number>): number | null {
  let n = 0;
  for (const times of histogram.values()) n += times;
  if (n === 0) return null;
  // The values at positions ⌊(n−1)/2⌋ and ⌊n/2⌋ in sorted order: one for odd n, two for even.
  const lowPosition = (n - 1) >> 1;
  const highPosition = n >> 1;
  let low: number | null = null;
  let seen = 0;
  for (const value of Float64Array.from(histogram.keys()).sort()) {
    seen += histogram.get(value) ?? 0;
    if (low === null && seen > lowPosition) low = value;
    if (seen > highPosition) return ((low ?? value) + value) / 2;
  }
  return null;
}

function timeToTarget(days: ReadonlyMap<number, number>, targetDays: number): TimeToTarget {
  let n = 0;
  let withinTarget = 0;
  for (const [value, times] of days) {
    n += times;
    if (value <= targetDays) withinTarget += times;
  }
  return { median: histogramMedian(days), withinTarget: share(withinTarget, n), n };
}
