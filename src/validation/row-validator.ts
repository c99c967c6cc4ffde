import { ageOn, type IsoDate } from '../calendar/calendar-date.ts';
import { ageBandAtReferral, type ClientKeyOf } from '../referrals/pseudonymise.ts';
import type { JobRecord, ReferralRecord } from '../referrals/referral-record.ts';
import type { CellValue, SheetRow } from '../spreadsheet/cells.ts';
import { DISCHARGED_STATUS, LISTS, OTHER_NOT_RECOGNISED } from '../spreadsheet/lists.ts';
import type { JobField, JobNumber, ReadColumn, RecordField } from '../spreadsheet/registry.ts';
import {
  cellAsTyped,
  isBlank,
  type Parsed,
  parseDate,
  parseHours,
  parseInitials,
  parseListValue,
  parseText,
  parseYesNo,
} from './cell-values.ts';
import { type Problem, type ProblemCode, problem, type Severity } from './problems.ts';

/**
 * One data row → one pseudonymised ReferralRecord, applying SPREADSHEET.md "Validation" to the row:
 * errors (the record is not produced) and warnings (it is). Personal columns (client ID, date of
 * birth) are read but their values never appear in a problem.
 */

/** A registry column found in the file, at its index, under the heading the file gives it. */
export interface PlannedColumn {
  readonly index: number;
  readonly heading: string;
  readonly column: ReadColumn;
}

export interface RowContext {
  readonly file: string;
  readonly sheet: string;
  readonly today: IsoDate;
  readonly clientKeyOf: ClientKeyOf;
  /** Where every problem found goes. */
  readonly problems: Problem[];
}

export const HOURS_WARNING_THRESHOLD = 60;
const AGE_RANGE = { min: 16, max: 100 } as const;

type FieldValue = string | number | boolean | null;

interface JobBlock {
  startDate: IsoDate | null;
  endDate: IsoDate | null;
  hoursPerWeek: number | null;
  sector: string | null;
  occupation: string | null;
  preferenceMet: boolean | null;
  /** This block's columns as found in the file, for messages. */
  columns: Partial<Record<JobField, PlannedColumn>>;
}

function emptyJobBlock(): JobBlock {
  return {
    startDate: null,
    endDate: null,
    hoursPerWeek: null,
    sector: null,
    occupation: null,
    preferenceMet: null,
    columns: {},
  };
}

export function validateRow(
  row: SheetRow,
  plan: readonly PlannedColumn[],
  context: RowContext,
): ReferralRecord | null {
  const fields = new Map<RecordField, FieldValue>();
  const columnOf = new Map<RecordField, PlannedColumn>();
  const jobBlocks = new Map<JobNumber, JobBlock>();
  let errors = 0;

  const report = (
    severity: Severity,
    code: ProblemCode,
    planned: { heading: string; column: ReadColumn } | null,
    value: string | null,
    description: string,
    fix: string,
  ): void => {
    if (severity === 'error') errors++;
    context.problems.push(
      problem(
        severity,
        code,
        {
          file: context.file,
          sheet: context.sheet,
          row: row.rowNumber,
          column: planned?.heading ?? null,
          value: planned?.column.personal ? null : value,
        },
        description,
        fix,
      ),
    );
  };

  for (const planned of plan) {
    const { column } = planned;
    const cell: CellValue = row.cells[planned.index] ?? null;
    let value: FieldValue = null;
    if (isBlank(cell)) {
      if (column.requirement === 'M') {
        report(
          'error',
          'mandatoryValueBlank',
          planned,
          null,
          `${planned.heading} is blank.`,
          `Every row needs a ${column.heading.toLowerCase()}: fill it in, or delete the row if it is not a referral.`,
        );
      }
    } else {
      value = readCell(planned, cell, report);
      // Dates in the future: listed, not refused (a typo in the year is the usual cause).
      if (column.type === 'date' && typeof value === 'string' && value > context.today) {
        report(
          'warning',
          'futureDate',
          planned,
          cellAsTyped(cell),
          'This date is in the future.',
          'Check the year; future dates are not counted until they arrive.',
        );
      }
    }
    if (column.target.kind === 'record') {
      fields.set(column.target.field, value);
      columnOf.set(column.target.field, planned);
    } else {
      const block = jobBlocks.get(column.target.jobNumber) ?? emptyJobBlock();
      jobBlocks.set(column.target.jobNumber, block);
      setJobField(block, column.target.field, value);
      block.columns[column.target.field] = planned;
    }
  }

  const date = (field: RecordField): IsoDate | null => {
    const value = fields.get(field);
    return typeof value === 'string' ? value : null;
  };
  const referralDate = date('referralDate');
  const dateOfBirth = date('dateOfBirth');
  if (dateOfBirth !== null && referralDate !== null) {
    const age = ageOn(dateOfBirth, referralDate);
    if (age < AGE_RANGE.min || age > AGE_RANGE.max) {
      report(
        'warning',
        'ageOutOfRange',
        columnOf.get('dateOfBirth') ?? null,
        null,
        `The age at referral is ${age < AGE_RANGE.min ? `under ${AGE_RANGE.min}` : `over ${AGE_RANGE.max}`}.`,
        'Check the date of birth and the referral date.',
      );
    }
  }

  const dischargeDate = date('dischargeDate');
  if (referralDate !== null && dischargeDate !== null && dischargeDate < referralDate) {
    report(
      'error',
      'dischargeBeforeReferral',
      columnOf.get('dischargeDate') ?? null,
      cellAsTyped({ kind: 'date', date: dischargeDate }),
      'The discharge date is before the referral date.',
      'Check both dates: a client cannot be discharged before being referred.',
    );
  }
  const vpStartDate = date('vpStartDate');
  if (referralDate !== null && vpStartDate !== null && vpStartDate < referralDate) {
    report(
      'warning',
      'dateBeforeReferral',
      columnOf.get('vpStartDate') ?? null,
      cellAsTyped({ kind: 'date', date: vpStartDate }),
      'The vocational profile started before the referral date.',
      'Check both dates; if the client was re-referred, the VP start belongs to the earlier referral row.',
    );
  }

  const caseloadStatus = fields.get('caseloadStatus') ?? null;
  if (caseloadStatus === DISCHARGED_STATUS && dischargeDate === null) {
    report(
      'warning',
      'dischargedWithoutDate',
      columnOf.get('caseloadStatus') ?? null,
      DISCHARGED_STATUS,
      'The caseload status is Discharged but there is no discharge date, so the client still counts in the active caseload.',
      'Enter the discharge date.',
    );
  }
  if (
    typeof caseloadStatus === 'string' &&
    caseloadStatus.startsWith('Active') &&
    dischargeDate !== null
  ) {
    report(
      'warning',
      'dischargeDateWithActiveStatus',
      columnOf.get('caseloadStatus') ?? null,
      caseloadStatus,
      'There is a discharge date but the caseload status is active.',
      'Change the caseload status to Discharged, or remove the discharge date if the client is still supported.',
    );
  }

  const jobs: JobRecord[] = [];
  for (const [jobNumber, block] of [...jobBlocks].sort(([a], [b]) => a - b)) {
    const blockPlanned = (field: JobField) => block.columns[field] ?? null;
    if (block.startDate === null) {
      if (block.endDate !== null || block.hoursPerWeek !== null) {
        report(
          'error',
          'jobWithoutStart',
          blockPlanned('startDate'),
          null,
          `Job ${jobNumber} has an end date or hours but no start date.`,
          'Enter the job start date, or clear the rest of the job.',
        );
      }
      continue;
    }
    if (block.endDate !== null && block.endDate < block.startDate) {
      report(
        'error',
        'jobEndBeforeStart',
        blockPlanned('endDate'),
        cellAsTyped({ kind: 'date', date: block.endDate }),
        `Job ${jobNumber} ends before it starts.`,
        'Check the start and end dates of the job.',
      );
    }
    if (referralDate !== null && block.startDate < referralDate) {
      report(
        'warning',
        'dateBeforeReferral',
        blockPlanned('startDate'),
        cellAsTyped({ kind: 'date', date: block.startDate }),
        `Job ${jobNumber} started before the referral date, so it is not counted as a job start or towards sustainment.`,
        'Check both dates; a job held at referral is recorded in the employment status at referral.',
      );
    }
    if (block.hoursPerWeek !== null && block.hoursPerWeek > HOURS_WARNING_THRESHOLD) {
      report(
        'warning',
        'hoursOver60',
        blockPlanned('hoursPerWeek'),
        String(block.hoursPerWeek),
        `Job ${jobNumber} is recorded as over ${HOURS_WARNING_THRESHOLD} hours a week.`,
        'Check the hours per week.',
      );
    }
    jobs.push({
      startDate: block.startDate,
      endDate: block.endDate,
      hoursPerWeek: block.hoursPerWeek,
      sector: block.sector,
      occupation: block.occupation,
      preferenceMet: block.preferenceMet,
    });
  }

  const clientId = fields.get('clientId');
  const specialist = fields.get('specialist');
  if (
    errors > 0 ||
    typeof clientId !== 'string' ||
    typeof specialist !== 'string' ||
    referralDate === null
  ) {
    return null;
  }
  const text = (field: RecordField): string | null => {
    const value = fields.get(field);
    return typeof value === 'string' ? value : null;
  };
  const yesNo = (field: RecordField): boolean | null => {
    const value = fields.get(field);
    return typeof value === 'boolean' ? value : null;
  };
  return {
    clientKey: context.clientKeyOf(clientId),
    specialist,
    referralDate,
    ageBand: ageBandAtReferral(dateOfBirth, referralDate),
    localAuthority: text('localAuthority'),
    gender: text('gender'),
    ethnicity: text('ethnicity'),
    benefits: text('benefits'),
    referralSource: text('referralSource'),
    substanceGroup: text('substanceGroup'),
    adderClient: yesNo('adderClient'),
    employmentStatus: text('employmentStatus'),
    firstContactDate: date('firstContactDate'),
    vpStartDate,
    under25Education: yesNo('under25Education'),
    under25Training: yesNo('under25Training'),
    under25Family: yesNo('under25Family'),
    employerContactDate: date('employerContactDate'),
    caseloadStatus: text('caseloadStatus'),
    dischargeDate,
    dischargeReason: text('dischargeReason'),
    jobs,
  };
}

type Report = (
  severity: Severity,
  code: ProblemCode,
  planned: { heading: string; column: ReadColumn },
  value: string | null,
  description: string,
  fix: string,
) => void;

/** A non-blank cell → its typed value, reporting why when it cannot be read. */
function readCell(planned: PlannedColumn, cell: CellValue, report: Report): FieldValue {
  const { column } = planned;
  const typed = cellAsTyped(cell);
  const refuse = <T>(parsed: Parsed<T>, code: ProblemCode): T | null => {
    if (parsed.ok) return parsed.value;
    report('error', code, planned, typed, parsed.description, parsed.fix);
    return null;
  };
  switch (column.type) {
    case 'date':
      return column.personal
        ? refuse(withoutValue(parseDate(cell), 'This is not a date.'), 'invalidDate')
        : refuse(parseDate(cell), 'invalidDate');
    case 'hours':
      return refuse(parseHours(cell), 'invalidNumber');
    case 'yesNo':
      return refuse(parseYesNo(cell), 'invalidYesNo');
    case 'initials':
      return refuse(parseInitials(cell), 'invalidInitials');
    case 'text':
      return parseText(cell);
    case 'list':
    case 'listOrCode': {
      const listId = column.list ?? 'G';
      const parsed = parseListValue(listId, cell, column.type === 'listOrCode');
      if (parsed.recognised) return parsed.value;
      report(
        'warning',
        'valueNotInList',
        planned,
        typed,
        `'${typed}' is not in the ${LISTS[listId].name} list, so it is counted as '${OTHER_NOT_RECOGNISED}'.`,
        parsed.suggestion !== undefined
          ? `Did you mean '${parsed.suggestion}'? Choose a value from the list.`
          : 'Choose a value from the list in the template.',
      );
      return OTHER_NOT_RECOGNISED;
    }
  }
}

/** The same verdict with the typed value taken out of the wording (for personal columns). */
function withoutValue<T>(parsed: Parsed<T>, description: string): Parsed<T> {
  return parsed.ok ? parsed : { ok: false, description, fix: 'Enter the date as DD/MM/YYYY.' };
}

function setJobField(block: JobBlock, field: JobField, value: FieldValue): void {
  switch (field) {
    case 'startDate':
    case 'endDate':
      block[field] = typeof value === 'string' ? value : null;
      return;
    case 'hoursPerWeek':
      block.hoursPerWeek = typeof value === 'number' ? value : null;
      return;
    case 'sector':
    case 'occupation':
      block[field] = typeof value === 'string' ? value : null;
      return;
    case 'preferenceMet':
      block.preferenceMet = typeof value === 'boolean' ? value : null;
      return;
  }
}
