import { writeCsv } from '../spreadsheet/csv/csv-writer.ts';

/**
 * Validation problems, in plain English. Every problem names where it is (file, sheet, row as the
 * spreadsheet shows it, column heading), the value as typed — never for "never read" columns,
 * whose values are not even decoded — and what to do.
 */

export type Severity = 'error' | 'warning';

export type ProblemCode =
  // File errors
  | 'fileUnreadable'
  | 'noQualifyingSheet'
  | 'noDataRows'
  | 'missingHeading'
  | 'repeatedHeading'
  | 'tooManyRows'
  // Row errors
  | 'mandatoryValueBlank'
  | 'invalidDate'
  | 'invalidNumber'
  | 'invalidYesNo'
  | 'invalidInitials'
  | 'duplicateKey'
  | 'jobEndBeforeStart'
  | 'dischargeBeforeReferral'
  | 'jobWithoutStart'
  // Warnings
  | 'headingNotRead'
  | 'sheetIgnored'
  | 'emptyOptionalColumn'
  | 'valueNotInList'
  | 'referralSourceNotListed'
  | 'notALocalAuthority'
  | 'dateBeforeReferral'
  | 'contactBeforeReferral'
  | 'employerContactBeforeVpStart'
  | 'futureDate'
  | 'hoursOver60'
  | 'zeroHoursJob'
  | 'ageOutOfRange'
  | 'newSpecialist'
  | 'dischargedWithoutDate'
  | 'dischargeDateWithActiveStatus'
  | 'openJobAfterDischarge'
  | 'employedStatusNotListed'
  | 'clientOpenTwice'
  | 'textRepaired';

export interface Problem {
  readonly severity: Severity;
  readonly code: ProblemCode;
  readonly file: string;
  readonly sheet: string | null;
  /** The row number as the spreadsheet shows it; null for a problem with the whole file. */
  readonly row: number | null;
  /** The column heading as the file has it (or the registry's, when the column is missing). */
  readonly column: string | null;
  /** The value as typed; null for never-read columns and file-level problems. */
  readonly value: string | null;
  /** What is wrong, one or two sentences. */
  readonly description: string;
  /** What to do about it. */
  readonly fix: string;
}

/** What each kind of problem is: the heading over the problems of that kind on the check page. */
export const PROBLEM_KINDS: Readonly<Record<ProblemCode, string>> = {
  fileUnreadable: 'Files that could not be read',
  noQualifyingSheet: 'No sheet with the standard headings',
  noDataRows: 'No rows of data',
  missingHeading: 'Headings missing',
  repeatedHeading: 'Headings that appear twice',
  tooManyRows: 'Too many rows',
  mandatoryValueBlank: 'Values that must be filled in',
  invalidDate: 'Dates that are not dates',
  invalidNumber: 'Numbers that are not numbers',
  invalidYesNo: 'Answers that are not yes or no',
  invalidInitials: 'Initials that are not initials',
  duplicateKey: 'Referrals entered twice',
  jobEndBeforeStart: 'Jobs that end before they start',
  dischargeBeforeReferral: 'Discharges before the referral',
  jobWithoutStart: 'Jobs without a start date',
  headingNotRead: 'Headings not read',
  sheetIgnored: 'Sheets not read',
  emptyOptionalColumn: 'Columns blank in every row',
  valueNotInList: 'Values not in the list',
  referralSourceNotListed: "Referral sources not on the service's list",
  notALocalAuthority: 'Local authorities not recognised',
  dateBeforeReferral: 'Dates before the referral',
  contactBeforeReferral: 'First contact before the referral',
  employerContactBeforeVpStart: 'Employer contact before the vocational profile',
  futureDate: 'Dates in the future',
  hoursOver60: 'More than 60 hours a week',
  zeroHoursJob: 'Jobs of 0 hours a week',
  ageOutOfRange: 'Ages out of range',
  newSpecialist: 'New employment specialists',
  dischargedWithoutDate: 'Discharged without a discharge date',
  dischargeDateWithActiveStatus: 'Discharge dates on active referrals',
  openJobAfterDischarge: 'Discharged with a job that has no end date',
  employedStatusNotListed: 'Employed statuses not in the list',
  clientOpenTwice: 'Clients with two open referrals',
  textRepaired: 'Text damaged by a wrong import, read as meant',
};

/** Where a problem is, less its severity and wording. */
export interface ProblemPlace {
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number | null;
  readonly column: string | null;
  readonly value: string | null;
}

export function problem(
  severity: Severity,
  code: ProblemCode,
  place: ProblemPlace,
  description: string,
  fix: string,
): Problem {
  return { severity, code, ...place, description, fix };
}

/**
 * One line for people: "example.xlsx, sheet 'Referrals', row 14, Referral date: '13/25/2024' is
 * not a date. Enter dates as DD/MM/YYYY, for example 05/03/2024."
 */
export function describeProblem(found: Problem): string {
  // Most descriptions quote the value; those about two cells do not, so it goes by its column.
  const typed = found.value?.trim() ?? '';
  const quoted = found.description.toLowerCase().includes(`'${typed.toLowerCase()}'`);
  const value = typed !== '' && !quoted ? ` ('${found.value}')` : '';
  const where = [
    found.file,
    found.sheet !== null && found.sheet !== found.file ? `sheet '${found.sheet}'` : null,
    found.row !== null ? `row ${found.row}` : null,
    found.column !== null ? `${found.column}${value}` : null,
  ].filter((part): part is string => part !== null);
  return `${where.join(', ')}: ${found.description} ${found.fix}`.trim();
}

export function countBySeverity(problems: readonly Problem[]): {
  errors: number;
  warnings: number;
} {
  let errors = 0;
  for (const found of problems) if (found.severity === 'error') errors++;
  return { errors, warnings: problems.length - errors };
}

/** The problems as a CSV to download, every cell that could run as a formula neutralised. */
export function problemsCsv(problems: readonly Problem[]): string {
  return writeCsv(
    ['File', 'Sheet', 'Row', 'Column', 'Value', 'Severity', 'Problem', 'What to do'],
    problems.map((problem) => [
      problem.file,
      problem.sheet,
      problem.row,
      problem.column,
      problem.value,
      problem.severity,
      problem.description,
      problem.fix,
    ]),
    { neutraliseFormulas: true },
  );
}
