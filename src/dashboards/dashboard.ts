import type { IsoDate } from '../calendar/calendar-date.ts';
import type { Queryable } from '../database/database.ts';
import {
  countFacts,
  type FactRequest,
  type FactScope,
  specialistsHoldingCaseload,
  WHOLE,
} from '../facts/fact-counts.ts';
import { type RecordDimension, subPeriods } from '../metrics/breakdowns.ts';
import {
  emptyTally,
  type GrowingTally,
  type MetricsQuery,
  type MetricsResult,
  metricsFromTally,
  recordsIn,
} from '../metrics/compute.ts';
import { ALL_COUNTS, type CountId } from '../metrics/definitions.ts';
import type { TallyDetail } from '../metrics/fact-events.ts';
import type { GroupLevel } from './scope-records.ts';

/**
 * A dashboard's figures, all from the metric engine (docs/METRICS.md): the whole scope, each group of
 * the level below (specialists, teams or services), each month of the period, and the splits by a
 * field of the record that the view shows, counted by the database from the stored facts.
 */

export interface DashboardFigures {
  /** Every figure of the period; the caseload by specialist only on a dashboard by specialist. */
  readonly total: MetricsResult;
  /** Below: the counts, shares and hours only, as the tables and charts show them (no waits). */
  readonly groups: ReadonlyArray<{ readonly group: string; readonly metrics: MetricsResult }>;
  readonly months: ReadonlyArray<{
    readonly label: string;
    readonly from: IsoDate;
    readonly to: IsoDate;
    readonly metrics: MetricsResult;
  }>;
  readonly byDimension: ReadonlyMap<RecordDimension, ReadonlyMap<string, MetricsResult>>;
  /** Specialists holding an active caseload at the as-at date, each counted once per team. */
  readonly specialistsHoldingCaseload: number;
}

export interface DashboardScope {
  readonly teamIds: readonly number[];
  /** The level of the breakdown's groups, or null for none. */
  readonly level: GroupLevel | null;
  /** For a team or service breakdown: the group a team belongs to. */
  readonly groupOfTeam: (teamId: number) => string;
  /** Every group to show, even those with no records yet (a new team, a quiet specialist). */
  readonly allGroups: readonly string[];
  /** Only this specialist's records. */
  readonly specialist?: string;
  readonly dimensions: readonly RecordDimension[];
}

/**
 * The tallies a dashboard's figures come from: the whole scope's period (with the waits, and the
 * caseload by specialist where the dashboard is by specialist), and the counts of each group, each
 * month and each field.
 */
export function figureRequests(
  scope: Pick<DashboardScope, 'level' | 'dimensions'>,
  query: MetricsQuery,
): FactRequest[] {
  return [
    { query, groupBy: 'none', detail: scope.level === 'specialist' ? 'full' : 'waits' },
    ...(scope.level === null
      ? []
      : [
          {
            query,
            groupBy: scope.level === 'specialist' ? 'specialist' : 'teamGroup',
            detail: 'counts',
          } as const,
        ]),
    ...subPeriods(query.from, query.to, 'month').map(({ from, to }) => ({
      query: { ...query, from, to },
      groupBy: 'none' as const,
      detail: 'counts' as const,
    })),
    ...scope.dimensions.map((dimension) => ({
      query,
      groupBy: dimension,
      detail: 'counts' as const,
    })),
  ];
}

export async function dashboardFigures(
  database: Queryable,
  scope: DashboardScope,
  query: MetricsQuery,
): Promise<DashboardFigures> {
  return (await dashboardFiguresWith(database, scope, query, []))[0];
}

/**
 * A dashboard's figures and the whole scope's counts for other queries (the year before, the
 * targets' months) counted in the same statements: each way of splitting is one pass over the
 * events however many periods it counts.
 */
export async function dashboardFiguresWith(
  database: Queryable,
  scope: DashboardScope,
  query: MetricsQuery,
  alongside: readonly MetricsQuery[],
): Promise<[DashboardFigures, MetricsResult[]]> {
  const requests = figureRequests(scope, query);
  const [counted, holding] = await Promise.all([
    countFacts(database, scope, [
      ...requests,
      ...alongside.map((other) => ({
        query: other,
        groupBy: 'none' as const,
        detail: 'counts' as const,
      })),
    ]),
    specialistsHoldingCaseload(database, scope, query),
  ]);
  const answers = counted.slice(0, requests.length);
  const others = alongside.map((other, index) =>
    metricsFromTally(counted[requests.length + index]?.get(WHOLE) ?? emptyTally(), other),
  );
  const months = subPeriods(query.from, query.to, 'month');
  // A group is shown while it holds a record, or always when the scope names it.
  const present = (groups: ReadonlyMap<string, GrowingTally> | undefined) =>
    [...(groups ?? [])].filter(([, tally]) => recordsIn(tally) > 0);
  const [whole, ...split] = answers;
  const [main, ...rest] = scope.level === null ? [undefined, ...split] : split;
  const named = new Set(scope.allGroups);
  const figures: DashboardFigures = {
    total: metricsFromTally(whole?.get(WHOLE) ?? emptyTally(), query),
    groups:
      scope.level === null
        ? []
        : [
            ...scope.allGroups.map((group) => ({ group, tally: main?.get(group) ?? emptyTally() })),
            ...present(main)
              .filter(([group]) => !named.has(group))
              .map(([group, tally]) => ({ group, tally })),
          ].map(({ group, tally }) => ({ group, metrics: metricsFromTally(tally, query) })),
    months: months.map(({ label, from, to }, index) => ({
      label,
      from,
      to,
      metrics: metricsFromTally(rest[index]?.get(WHOLE) ?? emptyTally(), { ...query, from, to }),
    })),
    byDimension: new Map(
      scope.dimensions.map((dimension, index) => {
        const values = present(rest[months.length + index]).sort(([a], [b]) =>
          a.localeCompare(b, 'en-GB'),
        );
        return [
          dimension,
          new Map(values.map(([value, tally]) => [value, metricsFromTally(tally, query)])),
        ] as const;
      }),
    ),
    specialistsHoldingCaseload: holding,
  };
  return [figures, others];
}

/** The figures of a set of teams (or one specialist's records in them) for each query. */
export async function teamsMetrics(
  database: Queryable,
  scope: FactScope,
  queries: readonly MetricsQuery[],
  detail: TallyDetail = 'full',
): Promise<MetricsResult[]> {
  const answers = await countFacts(
    database,
    scope,
    queries.map((query) => ({ query, groupBy: 'none', detail })),
  );
  return queries.map((query, index) =>
    metricsFromTally(answers[index]?.get(WHOLE) ?? emptyTally(), query),
  );
}

/**
 * NHS England's small-number rule for published figures: a count from 1 to 4 shows as "<5" (at ICS,
 * regional and national level, when the setting is on). Zero stays zero.
 */
export function isHiddenSmallNumber(count: number, suppressSmallNumbers: boolean): boolean {
  return suppressSmallNumbers && count >= 1 && count <= 4;
}

/** What a small number is published as. */
export const SUPPRESSED_COUNT = '<5';

/** A count as published: the number, or "<5" under the small-number rule. */
export type PublishedCount = number | typeof SUPPRESSED_COUNT;

export function publishedCount(count: number, suppressSmallNumbers: boolean): PublishedCount {
  return isHiddenSmallNumber(count, suppressSmallNumbers) ? SUPPRESSED_COUNT : count;
}

export function shownCount(count: number, suppressSmallNumbers: boolean): string {
  const published = publishedCount(count, suppressSmallNumbers);
  return typeof published === 'number' ? published.toLocaleString('en-GB') : published;
}

const mapValues = <K extends string, T, U>(record: Record<K, T>, map: (value: T) => U) =>
  Object.fromEntries(
    Object.entries(record).map(([key, value]) => [key, map(value as T)]),
  ) as Record<K, U>;

/**
 * docs/METRICS.md's object as a caller may see it: the specialists' caseloads only for those who may
 * see ES-level detail (an empty object otherwise, so the keys stay the same), and at area level
 * the counts of 1 to 4 as "<5", as the area dashboards show them.
 */
export function publishedMetrics(
  metrics: MetricsResult,
  options: { bySpecialist: boolean; suppressSmallNumbers: boolean },
) {
  const count = (value: number) => publishedCount(value, options.suppressSmallNumbers);
  const waits = (time: MetricsResult['daysToFirstContact']) => ({ ...time, n: count(time.n) });
  return {
    ...metrics,
    // The dashboards' own list of counts, so a count added there is rounded here too.
    ...(Object.fromEntries(ALL_COUNTS.map((id) => [id, count(metrics[id])])) as Record<
      CountId,
      PublishedCount
    >),
    sustainedByHours: mapValues(metrics.sustainedByHours, (bands) => mapValues(bands, count)),
    daysToFirstContact: waits(metrics.daysToFirstContact),
    daysToEmployerContact: waits(metrics.daysToEmployerContact),
    timeToFirstJob: mapValues(metrics.timeToFirstJob, count),
    caseloadPerSpecialist: options.bySpecialist ? metrics.caseloadPerSpecialist : {},
  };
}
