import type { IsoDate } from '../../src/calendar/calendar-date.ts';
import type { JobRecord, ReferralRecord } from '../../src/referrals/referral-record.ts';

/** For tests: a referral with nothing recorded beyond what the test gives. */
export function referral(details: Partial<ReferralRecord> = {}): ReferralRecord {
  return {
    clientKey: 'client-key',
    specialist: 'AB',
    referralDate: '2023-12-01',
    ageBand: 'unknown',
    localAuthority: null,
    gender: null,
    ethnicity: null,
    benefits: null,
    referralSource: null,
    referralSourceCategory: null,
    substanceGroup: null,
    adderClient: null,
    employmentStatus: null,
    firstContactDate: null,
    vpStartDate: null,
    under25Education: null,
    under25Training: null,
    under25Family: null,
    employerContactDate: null,
    caseloadStatus: null,
    dischargeDate: null,
    dischargeReason: null,
    jobs: [],
    ...details,
  };
}

/** For tests: a job block (open when there is no end date), 20 hours a week unless given. */
export function job(
  startDate: IsoDate,
  endDate: IsoDate | null = null,
  hoursPerWeek: number | null = 20,
): JobRecord {
  return { startDate, endDate, hoursPerWeek, sector: null, occupation: null, preferenceMet: null };
}
