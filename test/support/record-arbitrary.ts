import fc from 'fast-check';
import { fromDayNumber, toDayNumber } from '../../src/calendar/calendar-date.ts';
import { deriveRecord } from '../../src/metrics/derive.ts';
import { job, referral } from './test-referrals.ts';

/** Records with dates spread over 2023–2025 and jobs around their referral. */
export const day = (from: string, to: string) =>
  fc.integer({ min: toDayNumber(from), max: toDayNumber(to) }).map(fromDayNumber);
export const recordArbitrary = fc
  .record({
    specialist: fc.constantFrom('AB', 'CD', 'EF'),
    gender: fc.constantFrom('Female', 'Male', null),
    employmentStatus: fc.constantFrom(
      'Unemployed - seeking work',
      'Employed - off work sick',
      'Not known',
      null,
    ),
    referralDate: day('2023-01-01', '2025-12-31'),
    vpStartDays: fc.option(fc.integer({ min: -10, max: 90 }), { nil: null }),
    dischargeDays: fc.option(fc.integer({ min: 0, max: 700 }), { nil: null }),
    contactDays: fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }),
    employerContactDays: fc.option(fc.integer({ min: -5, max: 60 }), { nil: null }),
    jobs: fc.array(
      fc.record({
        startDays: fc.integer({ min: -30, max: 600 }),
        length: fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
        hours: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
      }),
      { maxLength: 3 },
    ),
  })
  .map(({ vpStartDays, dischargeDays, contactDays, employerContactDays, jobs, ...record }) => {
    const after = (days: number | null) =>
      days === null ? null : fromDayNumber(toDayNumber(record.referralDate) + days);
    return deriveRecord(
      referral({
        ...record,
        vpStartDate: after(vpStartDays),
        dischargeDate: after(dischargeDays),
        firstContactDate: after(contactDays),
        employerContactDate:
          vpStartDays === null || employerContactDays === null
            ? null
            : after(vpStartDays + employerContactDays),
        jobs: jobs.map(({ startDays, length, hours }) =>
          job(
            after(startDays) as string,
            length === null ? null : after(startDays + length - 1),
            hours,
          ),
        ),
      }),
    );
  });
