import type { AppContext } from '../application/context.ts';
import { addMonths, financialYearStart, type IsoDate } from '../calendar/calendar-date.ts';
import { londonToday } from '../calendar/london-today.ts';
import type { Benchmark } from '../metrics/benchmarks.ts';
import type { RecordDimension } from '../metrics/breakdowns.ts';
import {
  asAtDate,
  computeMetrics,
  type EmploymentStatusFilter,
  type MetricsQuery,
  type MetricsResult,
} from '../metrics/compute.ts';
import { UPLOAD_DUE_DAY } from '../metrics/guidance.ts';
import { type TargetProgress, targetProgressOf, targetQueries } from '../metrics/targets.ts';
import type { WiderArea } from '../organisations/organisations.ts';
import { ownTargets, targetsOfTeams, teamSize, teamsWithSize } from '../targets/target-store.ts';
import { type DashboardFigures, dashboardFiguresWith, teamsMetrics } from './dashboard.ts';
import { financialYear, type Period, type PeriodPreset, resolvePeriod } from './period.ts';
import { type GroupLevel, type TeamFreshness, teamFreshness } from './scope-records.ts';

/**
 * Figures for a scope and view (a use case): for a team, service or area, the filters chosen and
 * the narrower part of it the viewer picked, everything the view shows: the figures, the targets'
 * progress, the teams' latest uploads, the rates beside the wider areas.
 */

export const DASHBOARD_VIEWS = [
  'overview',
  'referrals',
  'vp-starts',
  'caseload',
  'jobs',
  'sustainments',
  'demographics',
  'quality',
  'targets',
  'benchmarking',
  'freshness',
] as const;
export type DashboardView = (typeof DASHBOARD_VIEWS)[number];

export const DEMOGRAPHICS = [
  'gender',
  'ethnicity',
  'ageBand',
  'benefits',
  'employmentStatus',
] as const satisfies readonly RecordDimension[];

/**
 * Fields shown at team and service level only: a service's own referral sources are its own
 * words, and a local authority picks out a few clients. An ICS, a region and England see the
 * national referral source categories instead, and no local authority.
 */
export const LOCAL_DIMENSIONS = [
  'referralSource',
  'localAuthority',
] as const satisfies readonly RecordDimension[];

/** The fields of the record each view splits its figures by, at team and service level. */
const VIEW_DIMENSIONS: Readonly<Record<DashboardView, readonly RecordDimension[]>> = {
  overview: [],
  referrals: ['referralSource', 'referralSourceCategory'],
  'vp-starts': [],
  caseload: [],
  jobs: [],
  sustainments: [],
  demographics: [...DEMOGRAPHICS, 'localAuthority'],
  quality: [],
  targets: [],
  benchmarking: [],
  freshness: [],
};

/** The fields a view splits its figures by, for a team or service, or for an area. */
export function viewDimensions(view: DashboardView, area: boolean): readonly RecordDimension[] {
  const local: readonly RecordDimension[] = LOCAL_DIMENSIONS;
  return area
    ? VIEW_DIMENSIONS[view].filter((dimension) => !local.includes(dimension))
    : VIEW_DIMENSIONS[view];
}

/**
 * The same stretch of time a year earlier, for the headline's change against last year: from the
 * period's start to its as-at date, both a year back, so a year to date is set against the same
 * days of the year before, not a whole year. None for a period that has not begun.
 */
export function yearEarlierQuery(query: MetricsQuery): MetricsQuery | null {
  const asAt = asAtDate(query);
  if (asAt < query.from) return null;
  return { ...query, from: addMonths(query.from, -12), to: addMonths(asAt, -12) };
}

/** The starting year of the financial year holding the date: targets and team sizes are annual. */
export const financialYearOf = (date: IsoDate) => Number(financialYearStart(date).slice(0, 4));

/** The first of the month whose upload is due now (by UPLOAD_DUE_DAY of the month). */
export function freshnessCutOff(today: IsoDate): IsoDate {
  const monthStart = `${today.slice(0, 8)}01` as IsoDate;
  if (Number(today.slice(8, 10)) >= UPLOAD_DUE_DAY) return monthStart;
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return (
    month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`
  ) as IsoDate;
}

/** A team, service or area as its figures are counted. */
export interface FigureScope {
  /** Names the scope's own column beside the wider areas. */
  readonly title: string;
  readonly teamIds: readonly number[];
  /** The level each row of the breakdown is, or null for a summary without one. */
  readonly level: GroupLevel | null;
  /** An ICS, a region or England: no field of LOCAL_DIMENSIONS is shown. */
  readonly area: boolean;
  /** Every group of the breakdown, even those with no records yet. */
  readonly groups: readonly string[];
  /** For a breakdown by team or service: the group a team belongs to. */
  readonly groupOfTeam: (teamId: number) => string;
  /** A team's dashboard: its own targets count, not its service's. */
  readonly team?: number;
  /**
   * For a service: the areas it works in, whose rates the benchmarking view sets beside its own.
   * Asked only for that view: it reads every team in England.
   */
  readonly benchmarkAreas?: () => Promise<WiderArea[]>;
}

/** The narrower part of the scope the viewer picked: some of its teams, or one specialist. */
export interface Narrowing {
  readonly text: string;
  readonly teamIds: readonly number[];
  readonly specialist?: string;
}

export interface FigureFilters {
  readonly view: DashboardView;
  readonly period: PeriodPreset;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly employmentStatus: EmploymentStatusFilter;
}

export interface ScopeFigures {
  /** The view shown: the one asked for if this scope has it, otherwise the overview. */
  readonly view: DashboardView;
  /** The views this scope has. */
  readonly views: readonly DashboardView[];
  readonly today: IsoDate;
  /** The period counted: the one chosen (its financial year for targets), or this year's. */
  readonly period: Period;
  /** Why the custom period chosen is not one, with the field to correct. */
  readonly periodError: { readonly field: 'from' | 'to'; readonly message: string } | null;
  readonly query: MetricsQuery;
  readonly figures: DashboardFigures;
  /** The same days a year earlier (yearEarlierQuery), its counts for the headline's change; none before the period begins. */
  readonly yearEarlier: MetricsResult | null;
  /** For the data freshness view: the scope's teams and their latest uploads. */
  readonly freshness: readonly TeamFreshness[];
  readonly freshnessCutOff: IsoDate;
  /**
   * The financial year's progress against the targets: for the totals vs targets view, and for
   * any view of a whole financial year of every client, whose headline counts are the actuals.
   */
  readonly targets?: TargetProgress;
  /** For the benchmarking view: this scope's rates, then each wider area's. */
  readonly benchmarks?: readonly Benchmark[];
}

type FiguresContext = Pick<AppContext, 'database' | 'clock'>;

/** One column of the benchmarking view: the rates of a set of teams over the period. */
async function benchmark(
  { database }: FiguresContext,
  name: string,
  teamIds: readonly number[],
  query: MetricsQuery,
  year: number,
): Promise<Benchmark> {
  const sized = await teamsWithSize(database, teamIds, year);
  const [metrics, sizedMetrics] = await Promise.all([
    // Benchmarking compares rates, which are counts: no waits' histograms.
    teamsMetrics(database, { teamIds }, [query], 'counts'),
    teamsMetrics(database, { teamIds: sized }, [query], 'counts'),
  ]);
  return {
    name,
    metrics: metrics[0] ?? computeMetrics([], query),
    jobStartsOfSizedTeams: sizedMetrics[0]?.jobStarts ?? 0,
    specialistsWte: await teamSize(database, sized, year),
  };
}

export async function scopeFigures(
  context: FiguresContext,
  scope: FigureScope,
  filters: FigureFilters,
  within: Narrowing | undefined,
): Promise<ScopeFigures> {
  const { database, clock } = context;
  const views = DASHBOARD_VIEWS.filter(
    (view) => view !== 'benchmarking' || scope.benchmarkAreas !== undefined,
  );
  const view = views.includes(filters.view) ? filters.view : 'overview';
  const today = londonToday(clock());
  const resolved = resolvePeriod(filters.period, today, filters);
  const chosenPeriod = resolved.ok ? resolved.period : financialYear(today);
  const year = financialYearOf(chosenPeriod.from);
  const period = view === 'targets' ? financialYear(chosenPeriod.from) : chosenPeriod;
  const query = {
    from: period.from,
    to: period.to,
    today,
    employmentStatus: filters.employmentStatus,
  };
  const teamIds = within?.teamIds ?? scope.teamIds;
  const shape = {
    teamIds,
    level: scope.level,
    groupOfTeam: scope.groupOfTeam,
    allGroups: scope.level ? scope.groups : [],
    ...(within?.specialist ? { specialist: within.specialist } : {}),
  };
  const earlier = yearEarlierQuery(query);
  const yearOfPeriod = financialYear(period.from);
  const wholeYear =
    period.from === yearOfPeriod.from &&
    period.to === yearOfPeriod.to &&
    filters.employmentStatus === 'all';
  const targetMonths = view === 'targets' || wholeYear ? targetQueries(year, today) : [];
  // The year before and the targets' months are counted with the view's own figures.
  const [[figures, alongside], freshness] = await Promise.all([
    dashboardFiguresWith(
      database,
      { ...shape, dimensions: viewDimensions(view, scope.area) },
      query,
      [...(earlier ? [earlier] : []), ...targetMonths],
    ),
    view === 'freshness' ? teamFreshness(database, scope.teamIds) : [],
  ]);
  const yearEarlier = earlier ? (alongside[0] ?? null) : null;
  const targetActuals = alongside.slice(earlier ? 1 : 0);
  return {
    view,
    views,
    today,
    period,
    periodError: resolved.ok ? null : { field: resolved.field, message: resolved.message },
    query,
    figures,
    yearEarlier,
    freshness,
    freshnessCutOff: freshnessCutOff(today),
    ...(targetMonths.length > 0
      ? {
          targets: targetProgressOf(
            year,
            targetActuals,
            // A specialist has no target of their own.
            within?.specialist
              ? new Map()
              : scope.team
                ? await ownTargets(database, { type: 'team', id: scope.team }, year)
                : await targetsOfTeams(database, teamIds, year),
          ),
        }
      : {}),
    ...(view === 'benchmarking' && scope.benchmarkAreas
      ? {
          benchmarks: [
            await benchmark(
              context,
              within?.text ?? scope.title,
              within?.teamIds ?? scope.teamIds,
              query,
              year,
            ),
            ...(await Promise.all(
              (
                await scope.benchmarkAreas()
              ).map(({ name, teamIds }) => benchmark(context, name, teamIds, query, year)),
            )),
          ],
        }
      : {}),
  };
}
