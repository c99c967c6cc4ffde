import type { ListId } from './lists.ts';

/**
 * The column registry: docs/SPREADSHEET.md "Columns" as data. The readers, the validator, the help pages
 * and the template generator all read this; nothing else hard-codes a heading.
 */

/** M mandatory heading and value; H mandatory heading, value may be blank; O optional; N never read. */
export type Requirement = 'M' | 'H' | 'O' | 'N';

export type ColumnType =
  /** Read only to be hashed (client ID): no other typed text is stored. */
  | 'text'
  /** An English local authority district's name or ONS code, stored as the code. */
  | 'localAuthority'
  /** One of the service's own referral sources, stored with its national category. */
  | 'referralSource'
  /** Employment specialist initials: 2–4 letters, stored upper case. */
  | 'initials'
  | 'date'
  /** Hours per week: 0–80, decimals allowed. */
  | 'hours'
  | 'yesNo'
  /** One of a list's values. */
  | 'list'
  /** One of a list's values, or a numeric classification code (SIC / SOC). */
  | 'listOrCode';

export type RecordField =
  | 'clientId'
  | 'localAuthority'
  | 'dateOfBirth'
  | 'gender'
  | 'ethnicity'
  | 'benefits'
  | 'specialist'
  | 'referralDate'
  | 'referralSource'
  | 'substanceGroup'
  | 'adderClient'
  | 'employmentStatus'
  | 'firstContactDate'
  | 'vpStartDate'
  | 'under25Education'
  | 'under25Training'
  | 'under25Family'
  | 'employerContactDate'
  | 'caseloadStatus'
  | 'dischargeDate'
  | 'dischargeReason';

export type JobField =
  | 'startDate'
  | 'hoursPerWeek'
  | 'sector'
  | 'occupation'
  | 'preferenceMet'
  | 'endDate';

export const JOB_NUMBERS = [1, 2, 3, 4, 5] as const;
export type JobNumber = (typeof JOB_NUMBERS)[number];

interface ColumnCommon {
  /** Stable identifier, e.g. `referralDate`, `job2.endDate`, `firstName`. */
  readonly key: string;
  /** The heading as the template writes it. */
  readonly heading: string;
  /** Other headings accepted for the same column. */
  readonly aliases: readonly string[];
}

/** A column whose values are never parsed, stored, logged or echoed (personal data, free text). */
export interface NeverReadColumn extends ColumnCommon {
  readonly requirement: 'N';
}

export interface ReadColumn extends ColumnCommon {
  readonly requirement: 'M' | 'H' | 'O';
  readonly type: ColumnType;
  readonly list?: ListId;
  /**
   * Read, but personal: the value is never echoed in messages or stored as typed (client ID is
   * hashed, date of birth becomes an age band).
   */
  readonly personal?: true;
  /** Where the value goes: a record field, or a field of job block `jobNumber`. */
  readonly target:
    | { readonly kind: 'record'; readonly field: RecordField }
    | { readonly kind: 'job'; readonly jobNumber: JobNumber; readonly field: JobField };
}

export type ColumnDefinition = NeverReadColumn | ReadColumn;

function never(key: string, heading: string, aliases: readonly string[] = []): NeverReadColumn {
  return { key, heading, aliases, requirement: 'N' };
}

function field(
  field: RecordField,
  heading: string,
  type: ColumnType,
  requirement: ReadColumn['requirement'],
  options: { list?: ListId; aliases?: readonly string[]; personal?: true } = {},
): ReadColumn {
  return {
    key: field,
    heading,
    aliases: options.aliases ?? [],
    requirement,
    type,
    ...(options.list ? { list: options.list } : {}),
    ...(options.personal ? { personal: true } : {}),
    target: { kind: 'record', field },
  };
}

const ORDINALS = { 1: '1st', 2: '2nd', 3: '3rd', 4: '4th', 5: '5th' } as const satisfies Record<
  JobNumber,
  string
>;

function jobColumns(jobNumber: JobNumber): ColumnDefinition[] {
  const ordinal = ORDINALS[jobNumber];
  // The first job's start and end headings are mandatory (H); later job blocks are optional.
  const startEnd = jobNumber === 1 ? 'H' : 'O';
  const job = (
    jobField: JobField,
    label: string,
    type: ColumnType,
    requirement: ReadColumn['requirement'],
    list?: ListId,
  ): ReadColumn => ({
    key: `job${jobNumber}.${jobField}`,
    heading: `${ordinal} job ${label}`,
    aliases: [],
    requirement,
    type,
    ...(list ? { list } : {}),
    target: { kind: 'job', jobNumber, field: jobField },
  });
  return [
    job('startDate', 'start date', 'date', startEnd),
    job('hoursPerWeek', 'hours per week', 'hours', 'O'),
    never(`job${jobNumber}.employer`, `${ordinal} job employer`),
    never(`job${jobNumber}.role`, `${ordinal} job role`, [`${ordinal} job title`]),
    job('sector', 'sector (SIC)', 'listOrCode', 'O', 'J'),
    job('occupation', 'occupation (SOC)', 'listOrCode', 'O', 'K'),
    job('preferenceMet', 'preference met', 'yesNo', 'O'),
    job('endDate', 'end date', 'date', startEnd),
  ];
}

export const COLUMNS: readonly ColumnDefinition[] = [
  field('clientId', 'Client ID', 'text', 'M', {
    // The IPS Grow user guide's Appendix A names the data points so.
    aliases: [
      'Client identifier',
      'Client reference',
      'Client Unique Identifier/ Local data system ID',
      'Client unique identifier',
      'Client unique ID',
      'Local data system ID',
    ],
    personal: true,
  }),
  never('firstName', 'First name', ['Forename']),
  never('surname', 'Surname', ['Last name', 'Family name']),
  never('duplicateClientIdCheck', 'Duplicate client ID check', [
    'Duplicate Client ID for data validation purposes',
    'Duplicate client ID',
    'Duplicates check',
  ]),
  never('duplicateNameDobCheck', 'Duplicate name and date of birth check', [
    'Duplicate name and DOB for data validation purposes',
    'Duplicate name and DOB',
    'Duplicate name and date of birth',
  ]),
  never('telephone', 'Telephone', ['Telephone number', 'Phone number', 'Phone']),
  never('email', 'Email', ['Email address']),
  never('postcode', 'Postcode'),
  never('nationalInsuranceNumber', 'National Insurance number', ['NI number', 'NINO']),
  never('dataSharingConsent', 'Data sharing consent', ['Data sharing consent for PHE']),
  field('localAuthority', 'Local authority of residence', 'localAuthority', 'O', {
    aliases: ['Local authority', 'Local Authority of residence of client'],
  }),
  field('dateOfBirth', 'Date of birth', 'date', 'O', {
    aliases: ['DOB', 'Client date of birth'],
    personal: true,
  }),
  field('gender', 'Gender', 'list', 'O', { list: 'G' }),
  field('ethnicity', 'Ethnicity', 'list', 'O', { list: 'E' }),
  field('benefits', 'Work related benefits', 'list', 'O', { list: 'B', aliases: ['Benefits'] }),
  field('specialist', 'Employment specialist initials', 'initials', 'M', {
    aliases: [
      'ES initials',
      'Employment specialist',
      'ES',
      "Employment Specialist's Initials",
      "ES's initials",
    ],
  }),
  field('referralDate', 'Referral date', 'date', 'M', {
    aliases: ['Date of referral', 'Date referred'],
  }),
  field('referralSource', 'Referral source', 'referralSource', 'O'),
  never('referrerName', 'Referrer name'),
  field('substanceGroup', 'Substance group', 'list', 'O', { list: 'S' }),
  field('adderClient', 'ADDER or Accelerator client', 'yesNo', 'O', {
    aliases: ['ADDER/Accelerator client', 'ADDER client', 'Accelerator client'],
  }),
  field('employmentStatus', 'Employment status at referral', 'list', 'O', {
    list: 'R',
    aliases: ['Employment status'],
  }),
  field('firstContactDate', 'Date of first attempted contact', 'date', 'O', {
    aliases: ['First attempted contact date', 'Date of first contact'],
  }),
  field('vpStartDate', 'Date vocational profile started', 'date', 'H', {
    aliases: ['Vocational profile start date', 'VP start date'],
  }),
  field('under25Education', 'Under 25s only - education', 'yesNo', 'O'),
  field('under25Training', 'Under 25s only - training', 'yesNo', 'O'),
  field('under25Family', 'Under 25s only - family involved in support', 'yesNo', 'O'),
  never('personalInformationDiscussed', 'Managing personal information discussed'),
  field('employerContactDate', 'Date of first face to face employer contact', 'date', 'O', {
    aliases: ['First face to face employer contact date', 'Date of first employer contact'],
  }),
  field('caseloadStatus', 'Caseload status', 'list', 'O', { list: 'C' }),
  field('dischargeDate', 'Discharge date', 'date', 'H', { aliases: ['Date of discharge'] }),
  field('dischargeReason', 'Reason for discharge', 'list', 'O', {
    list: 'D',
    aliases: ['Discharge reason'],
  }),
  ...JOB_NUMBERS.flatMap(jobColumns),
  never('sustainment13', '13-week sustainment', ['13 week sustainment']),
  never('sustainment26', '26-week sustainment', ['26 week sustainment']),
  never('comments', 'Comments', ['Notes']),
];

export function isReadColumn(column: ColumnDefinition): column is ReadColumn {
  return column.requirement !== 'N';
}

/** Columns whose heading must be present (M and H). */
export const REQUIRED_HEADING_COLUMNS: readonly ReadColumn[] = COLUMNS.filter(
  (column): column is ReadColumn => column.requirement === 'M' || column.requirement === 'H',
);

export const COLUMN_BY_KEY: ReadonlyMap<string, ColumnDefinition> = new Map(
  COLUMNS.map((column) => [column.key, column]),
);
