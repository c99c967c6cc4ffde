import { type IsoDate, toDayNumber } from '../calendar/calendar-date.ts';
import {
  type DerivedRecord,
  type HoursBand,
  SUSTAINMENT_WEEKS,
  type SustainmentWeeks,
  type TimeToFirstJobBand,
} from './derive.ts';

/**
 * Every figure of METRICS.md over a period and an as-at date, from derived records. The result is
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
  /** Share within the target (5 days to first contact; 30 days to employer contact). */
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

/** IPS Grow recommendation: first attempted contact within 5 days of referral. */
export const FIRST_CONTACT_TARGET_DAYS = 5;
/** Fidelity (rapid job search): first face-to-face employer contact within 30 days of VP start. */
export const EMPLOYER_CONTACT_TARGET_DAYS = 30;

export function asAtDate(query: Pick<MetricsQuery, 'to' | 'today'>): IsoDate {
  // ISO dates compare as strings; the period's end, unless that is still to come.
  if (query.to < query.today) return query.to;
  return query.today;
}

export function matchesEmploymentStatus(
  record: DerivedRecord,
  filter: EmploymentStatusFilter,
): boolean {
  return filter === 'all' || (filter === 'out-of-work' ? record.outOfWork : record.inWork);
}

const within = (day: number | null, fromDay: number, toDay: number): day is number =>
  day !== null && day >= fromDay && day <= toDay;

/**
 * The additive part of the figures of one set of records: counts, sums, the waits as histograms
 * (days → records) and the caseload by specialist. Tallies of disjoint sets of records (teams, say)
 * add up to the tally of their union, so wider scopes are sums of narrower ones; the figures are
 * worked out from a tally only at the end (`metricsFromTally`).
 */
export interface MetricsTally {
  referrals: number;
  vpStarts: number;
  activeCaseload: number;
  activeInWork: number;
  jobStarts: number;
  supportedIntoWork: number;
  firstJobStarts: number;
  discharges: number;
  retentionPopulation: number;
  retained: number;
  servedPopulation: number;
  servedInWork: number;
  hoursTotal: number;
  hoursCount: number;
  sustained: Record<SustainmentWeeks, number>;
  sustainedByHours: Record<SustainmentWeeks, HoursBandCounts>;
  timeToFirstJob: Record<TimeToFirstJobBand, number>;
  daysToFirstContact: Map<number, number>;
  daysToEmployerContact: Map<number, number>;
  caseloadBySpecialist: Map<string, number>;
}

const noHours = (): HoursBandCounts => ({ under16: 0, '16plus': 0, unknown: 0 });

export function emptyTally(): MetricsTally {
  return {
    referrals: 0,
    vpStarts: 0,
    activeCaseload: 0,
    activeInWork: 0,
    jobStarts: 0,
    supportedIntoWork: 0,
    firstJobStarts: 0,
    discharges: 0,
    retentionPopulation: 0,
    retained: 0,
    servedPopulation: 0,
    servedInWork: 0,
    hoursTotal: 0,
    hoursCount: 0,
    sustained: { 13: 0, 26: 0, 52: 0 },
    sustainedByHours: { 13: noHours(), 26: noHours(), 52: noHours() },
    timeToFirstJob: { under6m: 0, '6to12m': 0, over12m: 0, noVpStart: 0 },
    daysToFirstContact: new Map(),
    daysToEmployerContact: new Map(),
    caseloadBySpecialist: new Map(),
  };
}

const COUNT_KEYS = [
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
] as const satisfies ReadonlyArray<keyof MetricsTally>;

function addCounts<K extends string>(into: Record<K, number>, from: Readonly<Record<K, number>>) {
  for (const key of Object.keys(from) as K[]) into[key] += from[key];
}

function addHistogram<K>(into: Map<K, number>, from: ReadonlyMap<K, number>) {
  for (const [key, count] of from) into.set(key, (into.get(key) ?? 0) + count);
}

/** Adds `from` into `into`: the tally of the two sets of records together. */
export function addTally(into: MetricsTally, from: MetricsTally): MetricsTally {
  for (const key of COUNT_KEYS) into[key] += from[key];
  addCounts(into.sustained, from.sustained);
  for (const weeks of SUSTAINMENT_WEEKS)
    addCounts(into.sustainedByHours[weeks], from.sustainedByHours[weeks]);
  addCounts(into.timeToFirstJob, from.timeToFirstJob);
  addHistogram(into.daysToFirstContact, from.daysToFirstContact);
  addHistogram(into.daysToEmployerContact, from.daysToEmployerContact);
  addHistogram(into.caseloadBySpecialist, from.caseloadBySpecialist);
  return into;
}

export function sumTallies(tallies: Iterable<MetricsTally>): MetricsTally {
  const sum = emptyTally();
  for (const tally of tallies) addTally(sum, tally);
  return sum;
}

const count = (histogram: Map<number, number>, days: number) =>
  histogram.set(days, (histogram.get(days) ?? 0) + 1);

export function tallyMetrics(records: readonly DerivedRecord[], query: MetricsQuery): MetricsTally {
  const asAtDay = toDayNumber(asAtDate(query));
  const fromDay = toDayNumber(query.from);
  const toDay = toDayNumber(query.to);
  const tally = emptyTally();
  const { sustained, sustainedByHours, timeToFirstJob, caseloadBySpecialist } = tally;

  for (const derived of records) {
    if (!matchesEmploymentStatus(derived, query.employmentStatus)) continue;
    const { record } = derived;

    if (within(derived.referralDay, fromDay, toDay)) {
      tally.referrals++;
      if (derived.firstContactDay !== null)
        count(tally.daysToFirstContact, derived.firstContactDay - derived.referralDay);
      if (derived.employmentStatusKnown) {
        tally.retentionPopulation++;
        if (derived.inWork) tally.retained++;
      }
    }
    if (within(derived.vpStartDay, fromDay, toDay)) {
      tally.vpStarts++;
      if (derived.employerContactDay !== null) {
        count(tally.daysToEmployerContact, derived.employerContactDay - derived.vpStartDay);
      }
    }
    if (within(derived.dischargeDay, fromDay, toDay)) tally.discharges++;

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
          tally.hoursTotal += job.hoursPerWeek;
          tally.hoursCount++;
        }
      }
      if (job.endDay >= asAtDay) coversAsAt = true;
      if (job.endDay >= fromDay && fromDay <= asAtDay) workedInPeriod = true;
    }
    tally.jobStarts += startedInPeriod;
    if (startedInPeriod > 0) tally.supportedIntoWork++;

    if (derived.timeToFirstJob !== null && within(derived.firstJobStartDay, fromDay, asAtDay)) {
      tally.firstJobStarts++;
      timeToFirstJob[derived.timeToFirstJob]++;
    }

    for (const weeks of SUSTAINMENT_WEEKS) {
      const outcome = derived.sustainments[weeks];
      if (outcome === null || !within(outcome.day, fromDay, asAtDay)) continue;
      sustained[weeks]++;
      sustainedByHours[weeks][outcome.hoursBand]++;
    }

    const onCaseloadAtAsAt = derived.vpStartDay !== null && derived.vpStartDay <= asAtDay;
    if (onCaseloadAtAsAt && (derived.dischargeDay === null || derived.dischargeDay > asAtDay)) {
      tally.activeCaseload++;
      if (coversAsAt) tally.activeInWork++;
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
      tally.servedPopulation++;
      if (workedInPeriod) tally.servedInWork++;
    }
  }
  return tally;
}

/** The figures of METRICS.md from a tally of the records over the query's period. */
export function metricsFromTally(tally: MetricsTally, query: MetricsQuery): MetricsResult {
  const byHours = (weeks: SustainmentWeeks): HoursBandCounts => ({
    ...tally.sustainedByHours[weeks],
  });
  return {
    period: { from: query.from, to: query.to, asAt: asAtDate(query) },
    referrals: tally.referrals,
    vpStarts: tally.vpStarts,
    activeCaseload: tally.activeCaseload,
    jobStarts: tally.jobStarts,
    supportedIntoWork: tally.supportedIntoWork,
    firstJobStarts: tally.firstJobStarts,
    sustained13: tally.sustained[13],
    sustained26: tally.sustained[26],
    sustained52: tally.sustained[52],
    discharges: tally.discharges,
    sustainedByHours: { '13': byHours(13), '26': byHours(26), '52': byHours(52) },
    daysToFirstContact: timeToTarget(tally.daysToFirstContact, FIRST_CONTACT_TARGET_DAYS),
    daysToEmployerContact: timeToTarget(tally.daysToEmployerContact, EMPLOYER_CONTACT_TARGET_DAYS),
    timeToFirstJob: { ...tally.timeToFirstJob },
    caseloadPerSpecialist: Object.fromEntries(
      [...tally.caseloadBySpecialist].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    employedShareOfCaseload: share(tally.activeInWork, tally.activeCaseload),
    retentionShare: share(tally.retained, tally.retentionPopulation),
    averageHours: tally.hoursCount === 0 ? null : tally.hoursTotal / tally.hoursCount,
    employmentRate: share(tally.servedInWork, tally.servedPopulation),
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
