import { addMonths, daysBetween, type IsoDate } from '../calendar/calendar-date.ts';

/**
 * Totals vs targets (METRICS.md "Targets"): a team's annual target, pro rata to the as-at date.
 */

export type TargetStatus = 'on track' | 'behind' | 'off track';

/** Share of expected-to-date below which "behind" becomes "off track". */
const BEHIND_THRESHOLD = 0.9;

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
  if (actual >= expected) return 'on track';
  if (actual >= BEHIND_THRESHOLD * expected) return 'behind';
  return 'off track';
}

export const TARGET_STATUS_RULE =
  'On track where the actual is at least the expected figure to date (the target pro rata by days); behind where it is at least 90% of it; off track otherwise.';
