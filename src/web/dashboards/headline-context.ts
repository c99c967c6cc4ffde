import { formatDate } from '../../calendar/nhs-dates.ts';
import { isHiddenSmallNumber, shownCount } from '../../dashboards/dashboard.ts';
import { financialYearLabel } from '../../metrics/breakdowns.ts';
import { TARGET_STATUS_NAMES, type TargetProgress } from '../../metrics/targets.ts';

/**
 * The words under a headline count that say how it stands: against the same days a year
 * earlier, and against its target where the scope has one. Words, not colour or arrows alone.
 */

/**
 * "Up 4 from 58 a year earlier". Under the small-number rule a hidden count is named as "<5"
 * and no difference is given, since a difference and one count would give away the other.
 */
export function yearEarlierText(now: number, yearEarlier: number, suppressSmallNumbers: boolean) {
  const before = shownCount(yearEarlier, suppressSmallNumbers);
  if (
    isHiddenSmallNumber(now, suppressSmallNumbers) ||
    isHiddenSmallNumber(yearEarlier, suppressSmallNumbers)
  )
    return `${before} a year earlier`;
  const change = Math.abs(now - yearEarlier).toLocaleString('en-GB');
  if (now > yearEarlier) return `Up ${change} from ${before} a year earlier`;
  if (now < yearEarlier) return `Down ${change} from ${before} a year earlier`;
  return `Same as a year earlier (${before})`;
}

/**
 * "Target for 2026/27: 120. Expected by 3 December 2026: 80, on track", or null where the
 * measure has no target.
 */
export function targetText(progress: TargetProgress | undefined, measure: string): string | null {
  const found = progress?.measures.find((each) => each.measure === measure);
  if (!progress || !found || found.target === null || found.status === null) return null;
  const expected = Math.round(found.expectedToDate ?? 0).toLocaleString('en-GB');
  return `Target for ${financialYearLabel(progress.year)}: ${found.target.toLocaleString('en-GB')}. Expected by ${formatDate(progress.asAt)}: ${expected}, ${TARGET_STATUS_NAMES[found.status].toLowerCase()}`;
}
