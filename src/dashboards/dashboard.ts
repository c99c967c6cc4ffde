import type { IsoDate } from '../calendar/calendar-date.ts';
import { type RecordDimension, subPeriods } from '../metrics/breakdowns.ts';
import {
  addTally,
  emptyTally,
  type GrowingTally,
  type MetricsQuery,
  type MetricsResult,
  type MetricsTally,
  metricsFromTally,
  sumTallies,
} from '../metrics/compute.ts';
import type { GroupLevel } from './scope-records.ts';
import type { GroupTallies, TallyRequest, TeamTallies } from './team-tallies.ts';

/**
 * A dashboard's figures, all from the metric engine (METRICS.md): the whole scope, each group of
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
export function figureRequests(scope: DashboardScope, query: MetricsQuery): TallyRequest[] {
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
  teamTallies: TeamTallies,
  scope: DashboardScope,
  query: MetricsQuery,
  /** Tallied too for any team whose records are read, for the views likely to be asked next. */
  alongside: readonly TallyRequest[] = [],
): Promise<DashboardFigures> {
  const key = JSON.stringify([
    scope.teamIds.map((teamId) => `${teamId}:${scope.groupOfTeam(teamId)}`),
    scope.level,
    scope.allGroups,
    scope.specialist ?? null,
    scope.dimensions,
    query,
  ]);
  return teamTallies.remembered(scope.teamIds, key, () =>
    addUpFigures(teamTallies, scope, query, alongside),
  );
}

async function addUpFigures(
  teamTallies: TeamTallies,
  scope: DashboardScope,
  query: MetricsQuery,
  alongside: readonly TallyRequest[],
): Promise<DashboardFigures> {
  const months = subPeriods(query.from, query.to, 'month');
  const [main, ...rest] = await teamTallies.tallies(
    scope.teamIds,
    figureRequests(scope, query),
    alongside,
  );
  const teams = [...(main ?? new Map<number, GroupTallies>())];
  const groupTallies = new Map<string, GrowingTally>(
    scope.allGroups.map((group) => [group, emptyTally()]),
  );
  const addToGroup = (group: string, tally: MetricsTally) => {
    const sum = groupTallies.get(group);
    if (sum) addTally(sum, tally);
    else groupTallies.set(group, addTally(emptyTally(), tally));
  };
  let specialistsHoldingCaseload = 0;
  for (const [teamId, groups] of teams) {
    const holding = new Set<string>();
    for (const [group, tally] of groups) {
      for (const specialist of tally.caseloadBySpecialist.keys()) holding.add(specialist);
      if (scope.level === 'specialist') addToGroup(group, tally);
      else if (scope.level !== null) addToGroup(scope.groupOfTeam(teamId), tally);
    }
    specialistsHoldingCaseload += holding.size;
  }
  const sumOf = (answer: Map<number, GroupTallies> | undefined) =>
    sumTallies([...(answer?.values() ?? [])].flatMap((groups) => [...groups.values()]));
  return {
    total: metricsFromTally(sumOf(main), query),
    groups: [...groupTallies].map(([group, tally]) => ({
      group,
      metrics: metricsFromTally(tally, query),
    })),
    months: months.map(({ label, from, to }, index) => ({
      label,
      from,
      to,
      metrics: metricsFromTally(sumOf(rest[index]), { ...query, from, to }),
    })),
    byDimension: new Map(
      scope.dimensions.map((dimension, index) => {
        const byValue = new Map<string, GrowingTally>();
        for (const groups of rest[months.length + index]?.values() ?? []) {
          for (const [value, tally] of groups) {
            const sum = byValue.get(value);
            if (sum) addTally(sum, tally);
            else byValue.set(value, addTally(emptyTally(), tally));
          }
        }
        return [
          dimension,
          new Map(
            [...byValue.keys()]
              .sort((a, b) => a.localeCompare(b, 'en-GB'))
              .map((value) => [value, metricsFromTally(byValue.get(value) ?? emptyTally(), query)]),
          ),
        ] as const;
      }),
    ),
    specialistsHoldingCaseload,
  };
}

/** The figures of a set of teams for each request: the sum of their tallies. */
export async function teamsMetrics(
  teamTallies: TeamTallies,
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

export function shownCount(count: number, suppressSmallNumbers: boolean): string {
  return isHiddenSmallNumber(count, suppressSmallNumbers) ? '<5' : count.toLocaleString('en-GB');
}
