import { addDays, addMonths, daysBetween, type IsoDate } from '../calendar/calendar-date.ts';
import { asAtDate, computeMetrics, type MetricsQuery, type MetricsResult } from './compute.ts';
import type { DerivedRecord } from './derive.ts';

/**
 * Totals vs targets (docs/METRICS.md "Targets"): a team's annual target per measure and financial
 * year, pro rata to the as-at date, and its status.
 */

export const TARGET_MEASURES = [
  'referrals',
  'vpStarts',
  'jobStarts',
  'supportedIntoWork',
  'firstJobStarts',
  'sustained13',
  'sustained26',
] as const;
export type TargetMeasure = (typeof TARGET_MEASURES)[number];

export const isTargetMeasure = (value: string): value is TargetMeasure =>
  (TARGET_MEASURES as readonly string[]).includes(value);

export const TARGET_STATUSES = ['on-track', 'behind', 'off-track'] as const;
export type TargetStatus = (typeof TARGET_STATUSES)[number];

export const TARGET_STATUS_NAMES: Readonly<Record<TargetStatus, string>> = {
  'on-track': 'On track',
  behind: 'Behind',
  'off-track': 'Off track',
};

/** Share of expected-to-date below which "behind" becomes "off track". */
const BEHIND_THRESHOLD = 0.9;

export const TARGET_STATUS_RULE =
  'Actual is the measure from 1 April to the as-at date. Expected to date is the annual target × days from 1 April to the as-at date (both counted) ÷ days in the financial year. On track where the actual is at least the expected figure; behind where it is at least 90% of it; off track otherwise.';

/** 1 April of the financial year starting in `year` (2024 is 2024/25). */
export const financialYearFrom = (year: number): IsoDate => `${year}-04-01`;
export const financialYearTo = (year: number): IsoDate =>
  addDays(addMonths(financialYearFrom(year), 12), -1);

/**
 * target × (days from 1 April to A, both counted) ÷ (days in the financial year, 365 or 366);
 * on 1 April that is target × 1/365.
 */
export function expectedToDate(target: number, financialYearStart: IsoDate, asAt: IsoDate): number {
  const daysInYear = daysBetween(financialYearStart, addMonths(financialYearStart, 12));
  const daysSoFar = Math.min(Math.max(daysBetween(financialYearStart, asAt) + 1, 0), daysInYear);
  return (target * daysSoFar) / daysInYear;
}

export function targetStatus(actual: number, expected: number): TargetStatus {
  if (actual >= expected) return 'on-track';
  if (actual >= BEHIND_THRESHOLD * expected) return 'behind';
  return 'off-track';
}

export interface MeasureProgress {
  readonly measure: TargetMeasure;
  readonly target: number | null;
  readonly actual: number;
  readonly expectedToDate: number | null;
  readonly status: TargetStatus | null;
}

export interface MonthProgress {
  readonly label: string;
  /** The month's last day counted: its end, or the as-at date in the current month. */
  readonly to: IsoDate;
  readonly actual: Readonly<Record<TargetMeasure, number>>;
  readonly expected: Readonly<Record<TargetMeasure, number | null>>;
}

export interface TargetProgress {
  readonly year: number;
  readonly from: IsoDate;
  readonly asAt: IsoDate;
  readonly measures: readonly MeasureProgress[];
  /** Cumulative from 1 April, month by month up to the as-at date. */
  readonly months: readonly MonthProgress[];
}

const actualOf = (metrics: MetricsResult) =>
  Object.fromEntries(TARGET_MEASURES.map((measure) => [measure, metrics[measure]])) as Record<
    TargetMeasure,
    number
  >;

/**
 * The figures a financial year's progress is made of: the year to date (1 April to the as-at
 * date), then the year up to the end of each month so far. Every client counts towards a target, whatever their employment
 * status at referral.
 */
export function targetQueries(year: number, today: IsoDate): MetricsQuery[] {
  const from = financialYearFrom(year);
  const to = financialYearTo(year);
  const asAt = asAtDate({ to, today });
  // docs/METRICS.md: the actual is over 1 April to A, so a referral or VP start dated after today
  // (a warning at upload) does not count until its day comes.
  const queries: MetricsQuery[] = [{ from, to: asAt, today, employmentStatus: 'all' }];
  for (let monthStart = from; monthStart <= asAt; monthStart = addMonths(monthStart, 1)) {
    const monthEnd = addDays(addMonths(monthStart, 1), -1);
    queries.push({
      from,
      to: asAtDate({ to: monthEnd, today: asAt }),
      today,
      employmentStatus: 'all',
    });
  }
  return queries;
}

export function targetProgress(
  records: readonly DerivedRecord[],
  year: number,
  today: IsoDate,
  targets: ReadonlyMap<TargetMeasure, number>,
): TargetProgress {
  return targetProgressOf(
    year,
    targetQueries(year, today).map((query) => computeMetrics(records, query)),
    targets,
  );
}

/** Progress from the figures of `targetQueries`, in their order. */
export function targetProgressOf(
  year: number,
  [yearToDate, ...cumulative]: readonly MetricsResult[],
  targets: ReadonlyMap<TargetMeasure, number>,
): TargetProgress {
  if (yearToDate === undefined) throw new Error('targetProgressOf needs the year to date');
  const from = financialYearFrom(year);
  const asAt = yearToDate.period.asAt;
  const expectedBy = (on: IsoDate) =>
    Object.fromEntries(
      TARGET_MEASURES.map((measure) => {
        const target = targets.get(measure);
        return [measure, target === undefined ? null : expectedToDate(target, from, on)];
      }),
    ) as Record<TargetMeasure, number | null>;

  const months: MonthProgress[] = cumulative.map((metrics) => {
    const upTo = metrics.period.to;
    return {
      label: new Date(`${upTo.slice(0, 7)}-01T00:00:00Z`).toLocaleDateString('en-GB', {
        month: 'short',
        year: 'numeric',
        timeZone: 'UTC',
      }),
      to: upTo,
      actual: actualOf(metrics),
      expected: expectedBy(upTo),
    };
  });

  const expectedNow = expectedBy(asAt);
  return {
    year,
    from,
    asAt,
    months,
    measures: TARGET_MEASURES.map((measure) => {
      const target = targets.get(measure) ?? null;
      const actual = yearToDate[measure];
      const expected = expectedNow[measure];
      return {
        measure,
        target,
        actual,
        expectedToDate: expected,
        status: expected === null ? null : targetStatus(actual, expected),
      };
    }),
  };
}

/**
 * IPS Grow KPI framework per 1.0 WTE employment specialist: suggestions for a team's targets,
 * never set automatically.
 */
export const IPS_GROW_PER_WTE = {
  firstYear: { caseload: 35, jobOutcomes: 17 },
  laterYears: { caseload: 45, jobOutcomes: 22 },
  sustained13ShareOfPeopleInWork: 0.6,
} as const;

export interface TargetSuggestion {
  readonly caseload: number;
  readonly jobStarts: number;
  readonly sustained13: number;
}

export function suggestedTargets(
  specialistsWte: number,
  stage: 'firstYear' | 'laterYears',
): TargetSuggestion {
  const perWte = IPS_GROW_PER_WTE[stage];
  const jobStarts = Math.round(perWte.jobOutcomes * specialistsWte);
  return {
    caseload: Math.round(perWte.caseload * specialistsWte),
    jobStarts,
    sustained13: Math.round(IPS_GROW_PER_WTE.sustained13ShareOfPeopleInWork * jobStarts),
  };
}
