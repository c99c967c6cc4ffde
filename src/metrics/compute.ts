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

export function computeMetrics(
  records: readonly DerivedRecord[],
  query: MetricsQuery,
): MetricsResult {
  const asAt = asAtDate(query);
  const fromDay = toDayNumber(query.from);
  const toDay = toDayNumber(query.to);
  const asAtDay = toDayNumber(asAt);

  let referrals = 0;
  let vpStarts = 0;
  let activeCaseload = 0;
  let activeInWork = 0;
  let jobStarts = 0;
  let supportedIntoWork = 0;
  let firstJobStarts = 0;
  let discharges = 0;
  let retentionPopulation = 0;
  let retained = 0;
  let servedPopulation = 0;
  let servedInWork = 0;
  let hoursTotal = 0;
  let hoursCount = 0;
  const sustainedByHours: MetricsResult['sustainedByHours'] = {
    '13': { under16: 0, '16plus': 0, unknown: 0 },
    '26': { under16: 0, '16plus': 0, unknown: 0 },
    '52': { under16: 0, '16plus': 0, unknown: 0 },
  };
  const sustained: Record<SustainmentWeeks, number> = { 13: 0, 26: 0, 52: 0 };
  // Keyed by number, so the loop below builds no string keys.
  const byHours: Record<SustainmentWeeks, HoursBandCounts> = {
    13: sustainedByHours['13'],
    26: sustainedByHours['26'],
    52: sustainedByHours['52'],
  };
  const daysToFirstContact: number[] = [];
  const daysToEmployerContact: number[] = [];
  const timeToFirstJob: MetricsResult['timeToFirstJob'] = {
    under6m: 0,
    '6to12m': 0,
    over12m: 0,
    noVpStart: 0,
  };
  const caseloadBySpecialist = new Map<string, number>();

  for (const derived of records) {
    if (!matchesEmploymentStatus(derived, query.employmentStatus)) continue;
    const { record } = derived;

    if (within(derived.referralDay, fromDay, toDay)) {
      referrals++;
      if (derived.firstContactDay !== null)
        daysToFirstContact.push(derived.firstContactDay - derived.referralDay);
      if (derived.employmentStatusKnown) {
        retentionPopulation++;
        if (derived.inWork) retained++;
      }
    }
    if (within(derived.vpStartDay, fromDay, toDay)) {
      vpStarts++;
      if (derived.employerContactDay !== null) {
        daysToEmployerContact.push(derived.employerContactDay - derived.vpStartDay);
      }
    }
    if (within(derived.dischargeDay, fromDay, toDay)) discharges++;

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
          hoursTotal += job.hoursPerWeek;
          hoursCount++;
        }
      }
      if (job.endDay >= asAtDay) coversAsAt = true;
      if (job.endDay >= fromDay && fromDay <= asAtDay) workedInPeriod = true;
    }
    jobStarts += startedInPeriod;
    if (startedInPeriod > 0) supportedIntoWork++;

    if (derived.timeToFirstJob !== null && within(derived.firstJobStartDay, fromDay, asAtDay)) {
      firstJobStarts++;
      timeToFirstJob[derived.timeToFirstJob]++;
    }

    for (const weeks of SUSTAINMENT_WEEKS) {
      const outcome = derived.sustainments[weeks];
      if (outcome === null || !within(outcome.day, fromDay, asAtDay)) continue;
      sustained[weeks]++;
      byHours[weeks][outcome.hoursBand]++;
    }

    const onCaseloadAtAsAt = derived.vpStartDay !== null && derived.vpStartDay <= asAtDay;
    if (onCaseloadAtAsAt && (derived.dischargeDay === null || derived.dischargeDay > asAtDay)) {
      activeCaseload++;
      if (coversAsAt) activeInWork++;
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
      servedPopulation++;
      if (workedInPeriod) servedInWork++;
    }
  }

  return {
    period: { from: query.from, to: query.to, asAt },
    referrals,
    vpStarts,
    activeCaseload,
    jobStarts,
    supportedIntoWork,
    firstJobStarts,
    sustained13: sustained[13],
    sustained26: sustained[26],
    sustained52: sustained[52],
    discharges,
    sustainedByHours,
    daysToFirstContact: timeToTarget(daysToFirstContact, FIRST_CONTACT_TARGET_DAYS),
    daysToEmployerContact: timeToTarget(daysToEmployerContact, EMPLOYER_CONTACT_TARGET_DAYS),
    timeToFirstJob,
    caseloadPerSpecialist: Object.fromEntries(
      [...caseloadBySpecialist].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    ),
    employedShareOfCaseload: share(activeInWork, activeCaseload),
    retentionShare: share(retained, retentionPopulation),
    averageHours: hoursCount === 0 ? null : hoursTotal / hoursCount,
    employmentRate: share(servedInWork, servedPopulation),
  };
}

function share(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  // A typed array sorts numerically without a comparator call per pair.
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? null)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function timeToTarget(days: readonly number[], targetDays: number): TimeToTarget {
  let withinTarget = 0;
  for (const value of days) if (value <= targetDays) withinTarget++;
  return { median: median(days), withinTarget: share(withinTarget, days.length), n: days.length };
}
