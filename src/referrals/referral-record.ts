import type { IsoDate } from '../calendar/calendar-date.ts';

/**
 * One referral episode after validation and pseudonymisation: what the service stores and counts.
 * By construction it has no field that could hold personal data — no names, contact details,
 * employer, job role, comments, date of birth or raw client ID (docs/DESIGN.md, privacy rules).
 */

export const AGE_BANDS = [
  '16–17',
  '18–24',
  '25–34',
  '35–44',
  '45–54',
  '55–64',
  '65 and over',
  'unknown',
] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

export interface JobRecord {
  readonly startDate: IsoDate;
  /** Blank = still employed. */
  readonly endDate: IsoDate | null;
  readonly hoursPerWeek: number | null;
  readonly sector: string | null;
  readonly occupation: string | null;
  readonly preferenceMet: boolean | null;
}

/** What makes a referral one row within a team (docs/SPREADSHEET.md): the client and the referral date. */
export type ReferralKey = Pick<ReferralRecord, 'clientKey' | 'referralDate'>;

export interface ReferralRecord {
  /** HMAC-SHA-256 of the client ID with the service's secret, hex. */
  readonly clientKey: string;
  /** Employment specialist initials, upper case. */
  readonly specialist: string;
  readonly referralDate: IsoDate;
  readonly ageBand: AgeBand;
  /** The ONS code of an English local authority district; never the text as typed. */
  readonly localAuthority: string | null;
  /** List values are the list's own spelling, or "Other / not recognised". */
  readonly gender: string | null;
  readonly ethnicity: string | null;
  readonly benefits: string | null;
  /** One of the service's own referral sources, or "Not on the service's list". */
  readonly referralSource: string | null;
  /** The national category of the referral source, or "Not on the service's list". */
  readonly referralSourceCategory: string | null;
  readonly substanceGroup: string | null;
  readonly adderClient: boolean | null;
  readonly employmentStatus: string | null;
  readonly firstContactDate: IsoDate | null;
  readonly vpStartDate: IsoDate | null;
  readonly under25Education: boolean | null;
  readonly under25Training: boolean | null;
  readonly under25Family: boolean | null;
  readonly employerContactDate: IsoDate | null;
  readonly caseloadStatus: string | null;
  readonly dischargeDate: IsoDate | null;
  readonly dischargeReason: string | null;
  /** Job blocks that have a start date, in spreadsheet order (1st to 5th). */
  readonly jobs: readonly JobRecord[];
}
