import type { IsoDate } from '../calendar/calendar-date.ts';
import { type RecordDimension, subPeriods } from '../metrics/breakdowns.ts';
import {
  addTally,
  emptyTally,
  type GrowingTally,
  type MetricsQuery,
  type MetricsResult,
  metricsFromTally,
  recordsIn,
  subtractTally,
  sumTallies,
} from '../metrics/compute.ts';
import { ALL_COUNTS, type CountId } from '../metrics/definitions.ts';
import type { GroupLevel } from './scope-records.ts';
import type { GroupTallies, TallyRequest, TallySource } from './team-tallies.ts';

/**
 * A dashboard's figures, all from the metric engine (docs/METRICS.md): the whole scope, each group of
 * the level below (specialists, teams or services), each month of the period, and the splits by a
 * field of the record that the view shows. Each is a sum of the scope's team tallies.
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
  teamTallies: TallySource,
  scope: DashboardScope,
  query: MetricsQuery,
  /** Tallied too for any team whose records are read, for the views likely to be asked next. */
  alongside: readonly TallyRequest[] = [],
): Promise<DashboardFigures> {
  const requests = figureRequests(scope, query);
  const answers = await teamTallies.tallies(scope.teamIds, requests, alongside);
  const key = JSON.stringify([
    scope.teamIds.map((teamId) => `${teamId}:${scope.groupOfTeam(teamId)}`),
    scope.level,
    scope.allGroups,
    scope.specialist ?? null,
    scope.dimensions,
    query,
  ]);
  const sums = teamTallies.scopeState(key, () => new ScopeSums(requests.length));
  // The breakdown's group of a team's group: a specialist, the team's team or service, or none.
  const bucketOf = (request: number, teamId: number, group: string) =>
    request > 0
      ? group
      : scope.level === 'specialist'
        ? group
        : scope.level === null
          ? ''
          : scope.groupOfTeam(teamId);
  if (sums.update(answers, bucketOf) || sums.figures === null) {
    sums.figures = finishFigures(sums, scope, query);
  }
  return sums.figures;
}

/**
 * A wide scope's sums of its teams' tallies, kept current: when a team's tallies change (its data
 * did), what it had added is taken away and its new tallies added, so an upload to one team costs
 * one team's worth of adding up, not all England's.
 */
class ScopeSums {
  /** For each request: each bucket's running sum. */
  readonly buckets: Array<Map<string, GrowingTally>>;
  /** What each team has added, per request. */
  readonly #added = new Map<number, Array<GroupTallies | undefined>>();
  /** Specialists holding a caseload in each team, and over all teams. */
  readonly #holding = new Map<number, number>();
  holdingTotal = 0;
  figures: DashboardFigures | null = null;

  constructor(requests: number) {
    this.buckets = Array.from({ length: requests }, () => new Map());
  }

  /** Brings the sums up to these tallies; true when anything changed. */
  update(
    answers: ReadonlyArray<ReadonlyMap<number, GroupTallies>>,
    bucketOf: (request: number, teamId: number, group: string) => string,
  ): boolean {
    let changed = false;
    answers.forEach((answer, request) => {
      const buckets = this.buckets[request] ?? new Map<string, GrowingTally>();
      for (const [teamId, groups] of answer) {
        const added = this.#added.get(teamId) ?? [];
        const before = added[request];
        if (before === groups) continue;
        changed = true;
        for (const [group, tally] of before ?? []) {
          const bucket = bucketOf(request, teamId, group);
          const sum = buckets.get(bucket);
          if (sum) subtractTally(sum, tally);
        }
        for (const [group, tally] of groups) {
          const bucket = bucketOf(request, teamId, group);
          const sum = buckets.get(bucket);
          if (sum) addTally(sum, tally);
          else buckets.set(bucket, addTally(emptyTally(), tally));
        }
        added[request] = groups;
        this.#added.set(teamId, added);
        if (request === 0) {
          const holding = new Set<string>();
          for (const tally of groups.values()) {
            for (const specialist of tally.caseloadBySpecialist.keys()) holding.add(specialist);
          }
          this.holdingTotal += holding.size - (this.#holding.get(teamId) ?? 0);
          this.#holding.set(teamId, holding.size);
        }
      }
    });
    return changed;
  }
}

function finishFigures(
  sums: ScopeSums,
  scope: DashboardScope,
  query: MetricsQuery,
): DashboardFigures {
  const months = subPeriods(query.from, query.to, 'month');
  // A group is shown while it holds a record, or always when the scope names it.
  const present = (buckets: ReadonlyMap<string, GrowingTally> | undefined) =>
    [...(buckets ?? [])].filter(([, tally]) => recordsIn(tally) > 0);
  const [main, ...rest] = sums.buckets;
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
    specialistsHoldingCaseload: sums.holdingTotal,
  };
}

/** The figures of a set of teams for each request: the sum of their tallies. */
export async function teamsMetrics(
  teamTallies: TallySource,
  teamIds: readonly number[],
  requests: readonly TallyRequest[],
): Promise<MetricsResult[]> {
  const answers = await teamTallies.tallies(teamIds, requests);
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
