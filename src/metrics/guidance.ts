/**
 * What each quality indicator is read against: the thresholds, targets and benchmarks of docs/METRICS.md
 * ("Time-based quality indicators"). The dashboards, the help page, the tool tips, the
 * command-line tool and the API all take them from here, so no page says another number.
 */

export const QUALITY_GUIDANCE = {
  /** docs/METRICS.md, IPS Grow recommendation: first attempted contact within 5 days of referral. */
  daysToFirstContact: { withinDays: 5 },
  /** docs/METRICS.md, fidelity scale (rapid job search): employer contact within 30 days of VP start. */
  daysToEmployerContact: { withinDays: 30 },
  /** docs/METRICS.md, fidelity scale: each employment specialist's active caseload from 20 to 25. */
  caseloadPerSpecialist: { low: 20, high: 25 },
  /** docs/METRICS.md, fidelity scale: at least 30% of the active caseload in paid work. */
  employedShareOfCaseload: { atLeast: 0.3 },
  /** docs/METRICS.md, the resource pack: at most 15% of the caseload in work at referral. */
  retentionShare: { atMost: 0.15 },
  /** docs/METRICS.md: IPS Grow benchmark 40%; US learning community 31% minimal, 41% average, 50% excellent. */
  employmentRate: {
    benchmark: 0.4,
    learningCommunity: { minimal: 0.31, average: 0.41, excellent: 0.5 },
  },
} as const;

/** docs/DESIGN.md's data freshness: each month's upload is due by this day of the month. */
export const UPLOAD_DUE_DAY = 5;

const wholePercent = (share: number) => `${Math.round(share * 100)}%`;

const { caseloadPerSpecialist, employedShareOfCaseload, retentionShare, employmentRate } =
  QUALITY_GUIDANCE;

/** Each indicator's guidance as the pages write it beside the figure. */
export const GUIDANCE_NOTES = {
  caseloadPerSpecialist: `fidelity range ${caseloadPerSpecialist.low} to ${caseloadPerSpecialist.high}`,
  employedShareOfCaseload: `fidelity: at least ${wholePercent(employedShareOfCaseload.atLeast)}`,
  retentionShare: `guidance: at most ${wholePercent(retentionShare.atMost)}`,
  employmentRate: `IPS Grow benchmark ${wholePercent(employmentRate.benchmark)}`,
} as const;

/** Where a specialist's active caseload falls against the fidelity range. */
export function againstCaseloadRange(count: number): 'Below' | 'Within' | 'Above' {
  if (count < caseloadPerSpecialist.low) return 'Below';
  return count > caseloadPerSpecialist.high ? 'Above' : 'Within';
}

/** The indicators read against guidance, and what each is compared by. */
export type GuidedIndicator =
  | 'daysToFirstContact'
  | 'daysToEmployerContact'
  | 'caseloadPerSpecialist'
  | 'employedShareOfCaseload'
  | 'retentionShare'
  | 'employmentRate';

/**
 * Whether an indicator's figure is within its guidance: a wait by its median days, the average
 * caseload by the fidelity range, a share by its threshold. Pages say so in words, not by colour
 * alone, so a board report read in greyscale still shows which indicators need attention.
 */
export function withinGuidance(indicator: GuidedIndicator, value: number): boolean {
  switch (indicator) {
    case 'daysToFirstContact':
    case 'daysToEmployerContact':
      return value <= QUALITY_GUIDANCE[indicator].withinDays;
    case 'caseloadPerSpecialist':
      return againstCaseloadRange(value) === 'Within';
    case 'employedShareOfCaseload':
      return value >= employedShareOfCaseload.atLeast;
    case 'retentionShare':
      return value <= retentionShare.atMost;
    case 'employmentRate':
      return value >= employmentRate.benchmark;
  }
}
