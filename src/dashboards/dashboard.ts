import type { IsoDate } from '../calendar/calendar-date.ts';
import { breakdownByTime } from '../metrics/breakdowns.ts';
import { computeMetrics, type MetricsQuery, type MetricsResult } from '../metrics/compute.ts';
import type { DerivedRecord } from '../metrics/derive.ts';

/**
 * A dashboard's figures, all from the metric engine (METRICS.md): the whole scope, each group of
 * the level below (specialists, teams or services), and each month of the period.
 */

export interface GroupedRecord {
  /** The group of the level below this dashboard's: a specialist's initials, a team or service id. */
  readonly group: string;
  readonly teamId: number;
  readonly derived: DerivedRecord;
}

export interface DashboardFigures {
  readonly total: MetricsResult;
  readonly groups: ReadonlyArray<{ readonly group: string; readonly metrics: MetricsResult }>;
  readonly months: ReadonlyArray<{
    readonly label: string;
    readonly from: IsoDate;
    readonly to: IsoDate;
    readonly metrics: MetricsResult;
  }>;
}

export function dashboardFigures(
  records: readonly GroupedRecord[],
  query: MetricsQuery,
  /** Every group to show, even those with no records yet (a new team, a quiet specialist). */
  allGroups: readonly string[],
): DashboardFigures {
  const all = records.map(({ derived }) => derived);
  const byGroup = new Map<string, DerivedRecord[]>(allGroups.map((group) => [group, []]));
  for (const { group, derived } of records) {
    const members = byGroup.get(group);
    if (members) members.push(derived);
    else byGroup.set(group, [derived]);
  }
  return {
    total: computeMetrics(all, query),
    groups: [...byGroup].map(([group, members]) => ({
      group,
      metrics: computeMetrics(members, query),
    })),
    months: breakdownByTime(all, query, 'month').map(({ label, from, to, metrics }) => ({
      label,
      from,
      to,
      metrics,
    })),
  };
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
