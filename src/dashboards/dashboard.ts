import type { IsoDate } from '../calendar/calendar-date.ts';
import type { Queryable } from '../database/database.ts';
import { factTallies, type GroupTallies, type TallyRequest } from '../facts/fact-tallies.ts';
import { type RecordDimension, subPeriods } from '../metrics/breakdowns.ts';
import {
  addTally,
  emptyTally,
  type GrowingTally,
  type MetricsQuery,
  type MetricsResult,
  metricsFromTally,
  recordsIn,
  sumTallies,
} from '../metrics/compute.ts';
import { ALL_COUNTS, type CountId } from '../metrics/definitions.ts';
import type { GroupLevel } from './scope-records.ts';

/**
 * A dashboard's figures, all from the metric engine (docs/METRICS.md): the whole scope, each group of
 * the level below (specialists, teams or services), each month of the period, and the splits by a
 * field of the record that the view shows. Each is a sum of the scope's team tallies, which the
 * database counts from the stored facts.
 */

export interface DashboardFigures {
  readonly total: MetricsResult;
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

/** The team tallies a dashboard's figures are the sums of: the period, each month, each field. */
export function figureRequests(
  scope: Pick<DashboardScope, 'level' | 'specialist' | 'dimensions'>,
  query: MetricsQuery,
): TallyRequest[] {
  const only = scope.specialist ? { specialist: scope.specialist } : {};
  return [
    { query, grouping: scope.level === 'specialist' ? 'specialist' : 'all', ...only },
    ...subPeriods(query.from, query.to, 'month').map(({ from, to }) => ({
      query: { ...query, from, to },
      grouping: 'all' as const,
      ...only,
    })),
    ...scope.dimensions.map((dimension) => ({ query, grouping: dimension, ...only })),
  ];
}

export async function dashboardFigures(
  database: Queryable,
  scope: DashboardScope,
  query: MetricsQuery,
): Promise<DashboardFigures> {
  const answers = await factTallies(database, scope.teamIds, figureRequests(scope, query));
  return figuresFromTallies(answers, scope, query);
}

/** The figures from the scope's team tallies for its `figureRequests`, in their order. */
export function figuresFromTallies(
  answers: ReadonlyArray<ReadonlyMap<number, GroupTallies>>,
  scope: DashboardScope,
  query: MetricsQuery,
): DashboardFigures {
  // The breakdown's group of a team's group: a specialist, the team's team or service, or none.
  const bucketOf = (request: number, teamId: number, group: string) =>
    request > 0 || scope.level === 'specialist'
      ? group
      : scope.level === null
        ? ''
        : scope.groupOfTeam(teamId);
  const buckets = answers.map((answer, request) => {
    const sums = new Map<string, GrowingTally>();
    for (const [teamId, groups] of answer) {
      for (const [group, tally] of groups) {
        const bucket = bucketOf(request, teamId, group);
        const sum = sums.get(bucket);
        if (sum) addTally(sum, tally);
        else sums.set(bucket, addTally(emptyTally(), tally));
      }
    }
    return sums;
  });
  let specialistsHoldingCaseload = 0;
  for (const groups of answers[0]?.values() ?? []) {
    const holding = new Set<string>();
    for (const tally of groups.values()) {
      for (const specialist of tally.caseloadBySpecialist.keys()) holding.add(specialist);
    }
    specialistsHoldingCaseload += holding.size;
  }
  return finishFigures(buckets, specialistsHoldingCaseload, scope, query);
}

function finishFigures(
  buckets: ReadonlyArray<ReadonlyMap<string, GrowingTally>>,
  specialistsHoldingCaseload: number,
  scope: DashboardScope,
  query: MetricsQuery,
): DashboardFigures {
  const months = subPeriods(query.from, query.to, 'month');
  // A group is shown while it holds a record, or always when the scope names it.
  const present = (buckets: ReadonlyMap<string, GrowingTally> | undefined) =>
    [...(buckets ?? [])].filter(([, tally]) => recordsIn(tally) > 0);
  const [main, ...rest] = buckets;
  const named = new Set(scope.allGroups);
  return {
    total: metricsFromTally(sumTallies(main?.values() ?? []), query),
    groups:
      scope.level === null
        ? []
        : [
            ...scope.allGroups
              .map((group) => main?.get(group) ?? emptyTally())
              .map((tally, index) => ({ group: scope.allGroups[index] ?? '', tally })),
            ...present(main)
              .filter(([group]) => !named.has(group))
              .map(([group, tally]) => ({ group, tally })),
          ].map(({ group, tally }) => ({ group, metrics: metricsFromTally(tally, query) })),
    months: months.map(({ label, from, to }, index) => ({
      label,
      from,
      to,
      metrics: metricsFromTally(sumTallies(rest[index]?.values() ?? []), { ...query, from, to }),
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
    specialistsHoldingCaseload,
  };
}

/** The figures of a set of teams for each request: the sum of their tallies. */
export async function teamsMetrics(
  database: Queryable,
  teamIds: readonly number[],
  requests: readonly TallyRequest[],
): Promise<MetricsResult[]> {
  return summedMetrics(await factTallies(database, teamIds, requests), requests);
}

/** For each request, the figures of the sum of every team's tallies. */
export function summedMetrics(
  answers: ReadonlyArray<ReadonlyMap<number, GroupTallies>>,
  requests: readonly TallyRequest[],
): MetricsResult[] {
  return requests.map(({ query }, index) =>
    metricsFromTally(
      sumTallies([...(answers[index]?.values() ?? [])].flatMap((groups) => [...groups.values()])),
      query,
    ),
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
