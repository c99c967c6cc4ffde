import type { ReferralRecord } from '../referrals/referral-record.ts';
import type { CellValue } from '../spreadsheet/cells.ts';
import { districtName } from '../spreadsheet/local-authority-districts.ts';

/**
 * "Extract referral data": the team's pseudonymised records as rows, for team leaders and service
 * managers. Not even the client key's hash goes out; dates stay ISO text.
 */
const JOB_NUMBERS = [1, 2, 3, 4, 5] as const;

export const EXTRACT_HEADINGS: readonly string[] = [
  'Employment specialist',
  'Referral date',
  'Age band at referral',
  'Local authority of residence',
  'Local authority code',
  'Gender',
  'Ethnicity',
  'Work related benefits',
  'Referral source',
  'Referral source category',
  'Substance group',
  'ADDER or Accelerator client',
  'Employment status at referral',
  'Date of first attempted contact',
  'Date vocational profile started',
  'Under 25s only - education',
  'Under 25s only - training',
  'Under 25s only - family involved in support',
  'Date of first face to face employer contact',
  'Caseload status',
  'Discharge date',
  'Reason for discharge',
  ...JOB_NUMBERS.flatMap((number) => [
    `Job ${number} start date`,
    `Job ${number} end date`,
    `Job ${number} hours per week`,
    `Job ${number} sector`,
    `Job ${number} occupation`,
    `Job ${number} job preference met`,
  ]),
];

const yesNo = (value: boolean | null): CellValue => (value === null ? null : value ? 'Yes' : 'No');

export function extractRow(record: ReferralRecord): CellValue[] {
  return [
    record.specialist,
    record.referralDate,
    record.ageBand,
    record.localAuthority === null ? null : districtName(record.localAuthority),
    record.localAuthority,
    record.gender,
    record.ethnicity,
    record.benefits,
    record.referralSource,
    record.referralSourceCategory,
    record.substanceGroup,
    yesNo(record.adderClient),
    record.employmentStatus,
    record.firstContactDate,
    record.vpStartDate,
    yesNo(record.under25Education),
    yesNo(record.under25Training),
    yesNo(record.under25Family),
    record.employerContactDate,
    record.caseloadStatus,
    record.dischargeDate,
    record.dischargeReason,
    ...JOB_NUMBERS.flatMap((number) => {
      const job = record.jobs[number - 1];
      return job
        ? [
            job.startDate,
            job.endDate,
            job.hoursPerWeek,
            job.sector,
            job.occupation,
            yesNo(job.preferenceMet),
          ]
        : [null, null, null, null, null, null];
    }),
  ];
}
