import { addMonths, type IsoDate } from '../calendar/calendar-date.ts';

/**
 * The IPS-25 supported employment fidelity scale (Becker, Swanson, Reese, Bond and McLeman): 25
 * items scored 1 to 5 in three sections, a total out of 125 and its band. Pure: no storage.
 */

export const FIDELITY_SECTIONS = [
  {
    name: 'Staffing',
    items: ['Caseload size', 'Employment services staff', 'Vocational generalists'],
  },
  {
    name: 'Organisation',
    items: [
      'Integration of employment with mental health treatment through team assignment',
      'Integration of employment with mental health treatment through frequent team contact',
      'Collaboration between employment specialists and vocational rehabilitation (for example Jobcentre Plus)',
      'Vocational unit',
      'Role of employment supervisor',
      'Zero exclusion criteria',
      'Agency focus on competitive employment',
      'Executive team support for IPS',
    ],
  },
  {
    name: 'Services',
    items: [
      'Work incentives planning (benefits advice)',
      'Disclosure',
      'Ongoing, work-based vocational assessment',
      'Rapid search for competitive job',
      'Individualised job search',
      'Job development: frequent employer contact',
      'Job development: quality of employer contact',
      'Diversity of job types',
      'Diversity of employers',
      'Competitive jobs',
      'Individualised follow-along supports',
      'Time-unlimited follow-along supports',
      'Community-based services',
      'Assertive engagement and outreach by the integrated treatment team',
    ],
  },
] as const;

export const FIDELITY_ITEMS: readonly string[] = FIDELITY_SECTIONS.flatMap(({ items }) => items);
export const FIDELITY_ITEM_COUNT = 25;
export const FIDELITY_MAX_TOTAL = 125;

export const REVIEW_TYPES = ['self-assessment', 'peer', 'independent'] as const;
export type ReviewType = (typeof REVIEW_TYPES)[number];
export const REVIEW_TYPE_NAMES: Readonly<Record<ReviewType, string>> = {
  'self-assessment': 'Self-assessment',
  peer: 'Peer review',
  independent: 'Independent review',
};

export const FIDELITY_BANDS = ['not-supported-employment', 'fair', 'good', 'exemplary'] as const;
export type FidelityBand = (typeof FIDELITY_BANDS)[number];
export const FIDELITY_BAND_NAMES: Readonly<Record<FidelityBand, string>> = {
  'not-supported-employment': 'Not supported employment',
  fair: 'Fair fidelity',
  good: 'Good fidelity',
  exemplary: 'Exemplary fidelity',
};
export const FIDELITY_BAND_RULE =
  'The total of the 25 item scores (1 to 5 each, out of 125): 115 to 125 exemplary, 100 to 114 good, 74 to 99 fair, 73 or less not supported employment.';

export function fidelityTotal(itemScores: readonly number[]): number {
  return itemScores.reduce((sum, score) => sum + score, 0);
}

export function fidelityBand(total: number): FidelityBand {
  if (total >= 115) return 'exemplary';
  if (total >= 100) return 'good';
  if (total >= 74) return 'fair';
  return 'not-supported-employment';
}

export interface ReviewDate {
  readonly reviewDate: IsoDate;
  readonly reviewType: ReviewType;
}

export interface NextReview {
  /** Null when no review has been recorded: one is due now. */
  readonly due: IsoDate | null;
  readonly type: 'independent' | 'self-assessment';
  readonly overdue: boolean;
}

export const NEXT_REVIEW_RULE =
  'An independent review every 2 years, and a review (a self-assessment will do) in each year between: the next is due a year after the latest review, or 2 years after the latest independent review if that comes first.';

/** Independent review every 2 years; a self-assessment in the years between. */
export function nextReview(reviews: readonly ReviewDate[], today: IsoDate): NextReview {
  if (reviews.length === 0) return { due: null, type: 'independent', overdue: true };
  const latest = (list: readonly ReviewDate[]) =>
    list.reduce<IsoDate | null>(
      (max, { reviewDate }) => (max === null || reviewDate > max ? reviewDate : max),
      null,
    );
  const latestAny = latest(reviews) as IsoDate;
  const latestIndependent = latest(
    reviews.filter(({ reviewType }) => reviewType === 'independent'),
  );
  const yearly = addMonths(latestAny, 12);
  const independent = latestIndependent === null ? null : addMonths(latestIndependent, 24);
  if (independent === null || independent <= yearly) {
    // No independent review yet: the next review should be one, due with the yearly cycle.
    const due = independent ?? yearly;
    return { due, type: 'independent', overdue: due < today };
  }
  return { due: yearly, type: 'self-assessment', overdue: yearly < today };
}
