import { ageOn, type IsoDate } from '../calendar/calendar-date.ts';
import { QUALITY_GUIDANCE } from '../metrics/guidance.ts';
import { ageBandAtReferral, type ClientKeyOf } from '../referrals/pseudonymise.ts';
import type { JobRecord, ReferralKey, ReferralRecord } from '../referrals/referral-record.ts';
import type { CellValue, SheetRow } from '../spreadsheet/cells.ts';
import {
  DISCHARGED_STATUS,
  IN_WORK_STATUSES,
  LISTS,
  type ListId,
  listMatchKey,
  OTHER_NOT_RECOGNISED,
} from '../spreadsheet/lists.ts';
import { districtCodeOf } from '../spreadsheet/local-authority-districts.ts';
import { NOT_ON_SERVICE_LIST, type ReferralSourceList } from '../spreadsheet/referral-sources.ts';
import {
  JOB_NUMBERS,
  type JobField,
  type ReadColumn,
  type RecordField,
} from '../spreadsheet/registry.ts';
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
  Unreadable,
} from './cell-values.ts';
import { closestMatch } from './did-you-mean.ts';
import { type Problem, type ProblemCode, problem, type Severity } from './problems.ts';

/**
 * One data row → one pseudonymised ReferralRecord, applying docs/SPREADSHEET.md "Validation" to the row:
 * errors (the record is not produced) and warnings (it is). Personal columns (client ID, date of
 * birth) are read but their values never appear in a problem.
 *
 * Built once per sheet and run for every row, so the per-row path allocates only the row's values
 * and the record: an upload of 100 000 rows must validate in well under a second.
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
  /**
   * The service's own referral sources, which the Referral source column is read against; null
   * when none is known, so the column is not read.
   */
  readonly referralSources: ReferralSourceList | null;
  /** Hours may be written with a decimal comma (37,5): the sheet is a semicolon-separated CSV. */
  readonly decimalComma?: boolean;
  /** Where every problem found goes. */
  readonly problems: Problem[];
}

export const HOURS_WARNING_THRESHOLD = 60;
const AGE_RANGE = { min: 16, max: 100 } as const;
/** How an in-work employment status begins, in the form `listMatchKey` gives. */
const EMPLOYED_PREFIX = 'employed';

type FieldValue = string | number | boolean | null;

/** Every value a row can hold, in a fixed slot: record fields, then 6 fields per job block. */
const RECORD_SLOTS: readonly RecordField[] = [
  'clientId',
  'localAuthority',
  'dateOfBirth',
  'gender',
  'ethnicity',
  'benefits',
  'specialist',
  'referralDate',
  'referralSource',
  'substanceGroup',
  'adderClient',
  'employmentStatus',
  'firstContactDate',
  'vpStartDate',
  'under25Education',
  'under25Training',
  'under25Family',
  'employerContactDate',
  'caseloadStatus',
  'dischargeDate',
  'dischargeReason',
];
const JOB_SLOTS: readonly JobField[] = [
  'startDate',
  'endDate',
  'hoursPerWeek',
  'sector',
  'occupation',
  'preferenceMet',
];
const SLOT_COUNT = RECORD_SLOTS.length + JOB_NUMBERS.length * JOB_SLOTS.length;
const recordSlot = (field: RecordField) => RECORD_SLOTS.indexOf(field);
const jobSlot = (jobNumber: number, field: JobField) =>
  RECORD_SLOTS.length + (jobNumber - 1) * JOB_SLOTS.length + JOB_SLOTS.indexOf(field);
const slotOf = (column: ReadColumn) =>
  column.target.kind === 'record'
    ? recordSlot(column.target.field)
    : jobSlot(column.target.jobNumber, column.target.field);

const SLOT = Object.fromEntries(RECORD_SLOTS.map((field) => [field, recordSlot(field)])) as Record<
  RecordField,
  number
>;
const JOB_SLOT = JOB_NUMBERS.map(
  (jobNumber) =>
    Object.fromEntries(JOB_SLOTS.map((field) => [field, jobSlot(jobNumber, field)])) as Record<
      JobField,
      number
    >,
);

const text = (value: FieldValue): string | null => (typeof value === 'string' ? value : null);
const yesNo = (value: FieldValue): boolean | null => (typeof value === 'boolean' ? value : null);
const hours = (value: FieldValue): number | null => (typeof value === 'number' ? value : null);
const asDate = (value: IsoDate): CellValue => ({ kind: 'date', date: value });

export class RowValidator {
  /** The planned column behind each slot, for messages. */
  private readonly columnOfSlot: Array<PlannedColumn | null> = new Array(SLOT_COUNT).fill(null);
  private readonly slots: readonly number[];
  // Each planned column's facts as flat arrays: the registry's column objects differ in shape, and
  // reading their properties for millions of cells would be the slowest part of an upload.
  private readonly cellIndexes: readonly number[];
  private readonly types: readonly ReadColumn['type'][];
  private readonly mandatory: readonly boolean[];
  private readonly personal: readonly boolean[];
  private readonly lists: readonly ListId[];
  private row: SheetRow = { rowNumber: 0, cells: [] };
  private errors = 0;
  /** One row's values by slot, reused row after row: the record copies out what it keeps. */
  private readonly values: FieldValue[] = new Array(SLOT_COUNT).fill(null);

  constructor(
    private readonly plan: readonly PlannedColumn[],
    private readonly context: RowContext,
  ) {
    this.slots = plan.map((planned) => slotOf(planned.column));
    this.cellIndexes = plan.map((planned) => planned.index);
    this.types = plan.map((planned) => planned.column.type);
    this.mandatory = plan.map((planned) => planned.column.requirement === 'M');
    this.personal = plan.map((planned) => planned.column.personal === true);
    this.lists = plan.map((planned) => planned.column.list ?? 'G');
    plan.forEach((planned, index) => {
      this.columnOfSlot[this.slots[index] ?? 0] = planned;
    });
  }

  private report(
    severity: Severity,
    code: ProblemCode,
    planned: PlannedColumn | null,
    value: string | null,
    description: string,
    fix: string,
  ): void {
    if (severity === 'error') this.errors++;
    this.context.problems.push(
      problem(
        severity,
        code,
        {
          file: this.context.file,
          sheet: this.context.sheet,
          row: this.row.rowNumber,
          column: planned?.heading ?? null,
          value: planned?.column.personal ? null : value,
        },
        description,
        fix,
      ),
    );
  }

  private columnAt(slot: number): PlannedColumn | null {
    return this.columnOfSlot[slot] ?? null;
  }

  /** The value, or null with the error reported (the value as typed is only worked out then). */
  private refuse<T>(
    parsed: Parsed<T>,
    code: ProblemCode,
    planned: PlannedColumn,
    cell: CellValue,
  ): T | null {
    if (!(parsed instanceof Unreadable)) return parsed;
    this.report('error', code, planned, cellAsTyped(cell), parsed.description, parsed.fix);
    return null;
  }

  /** A non-blank cell → its typed value, reporting why when it cannot be read. */
  private readCell(at: number, cell: CellValue): FieldValue {
    const planned = this.plan[at] as PlannedColumn;
    const type = this.types[at] as ReadColumn['type'];
    switch (type) {
      case 'date': {
        const parsed = parseDate(cell);
        // Personal dates (date of birth) are reported without their value, even in the wording.
        const verdict =
          this.personal[at] === true && parsed instanceof Unreadable
            ? new Unreadable('This is not a date.', 'Enter the date as DD/MM/YYYY.')
            : parsed;
        const value = this.refuse(verdict, 'invalidDate', planned, cell);
        if (value !== null && value > this.context.today) {
          // Listed, not refused: a typo in the year is the usual cause.
          this.report(
            'warning',
            'futureDate',
            planned,
            cellAsTyped(cell),
            'This date is in the future.',
            'Check the year; future dates are not counted until they arrive.',
          );
        }
        return value;
      }
      case 'hours':
        return this.refuse(
          parseHours(cell, this.context.decimalComma === true),
          'invalidNumber',
          planned,
          cell,
        );
      case 'yesNo':
        return this.refuse(parseYesNo(cell), 'invalidYesNo', planned, cell);
      case 'initials':
        return this.refuse(parseInitials(cell), 'invalidInitials', planned, cell);
      case 'text':
        return parseText(cell);
      // Neither echoes the value: it is free text, and may be anything, a name included.
      case 'localAuthority': {
        const code = districtCodeOf(parseText(cell));
        if (code !== null) return code;
        this.report(
          'warning',
          'notALocalAuthority',
          planned,
          null,
          'This is not the name or code of an English local authority district, so it is not stored.',
          'Enter the district the client lives in, by its name or ONS code (for example Leeds or E08000035).',
        );
        return null;
      }
      case 'referralSource': {
        // Without the service's list there is nothing to check against; what was typed is never kept.
        if (this.context.referralSources === null) return null;
        const source = this.context.referralSources.match(parseText(cell));
        if (source !== undefined) return source.name;
        this.report(
          'warning',
          'referralSourceNotListed',
          planned,
          null,
          `This is not one of the service's referral sources, so it is counted as '${NOT_ON_SERVICE_LIST}'.`,
          "Choose a source from the list on the template's cover sheet; the service manager can add sources on the service's referral sources page.",
        );
        return NOT_ON_SERVICE_LIST;
      }
      case 'list':
      case 'listOrCode': {
        const listId = this.lists[at] ?? 'G';
        const parsed = parseListValue(listId, cell, type === 'listOrCode');
        if (parsed.recognised) return parsed.value;
        const typed = cellAsTyped(cell);
        if (listId === 'R' && this.reportedUnlistedEmployedStatus(planned, typed)) {
          return OTHER_NOT_RECOGNISED;
        }
        this.report(
          'warning',
          'valueNotInList',
          planned,
          typed,
          // Not quoted: the wording is kept with a check, and a value in the wrong column may be
          // personal (an NHS number typed into Ethnicity). The value column shows it meanwhile.
          `This value is not in the ${LISTS[listId].name} list, so it is counted as '${OTHER_NOT_RECOGNISED}'.`,
          parsed.suggestion !== undefined
            ? `Did you mean '${parsed.suggestion}'? Choose a value from the list.`
            : 'Choose a value from the list in the template.',
        );
        return OTHER_NOT_RECOGNISED;
      }
    }
  }

  /**
   * An employment status that begins "Employed" was meant as in work: it gets its own warning,
   * instead of the list's, saying what it costs (true when reported). Not quoted, as the list's.
   */
  private reportedUnlistedEmployedStatus(planned: PlannedColumn, typed: string): boolean {
    const key = listMatchKey(typed);
    if (!key.startsWith(EMPLOYED_PREFIX)) return false;
    const meant = closestMatch(key, IN_WORK_STATUSES, listMatchKey);
    this.report(
      'warning',
      'employedStatusNotListed',
      planned,
      typed,
      `This employment status begins 'Employed' but is not one of the list's, so it is counted as '${OTHER_NOT_RECOGNISED}' and the client does not count as in work at referral until it matches the list.`,
      meant !== undefined
        ? `Did you mean '${meant}'? Choose a value from the list.`
        : `Choose one of the list's in-work values: ${IN_WORK_STATUSES.map((status) => `'${status}'`).join(', ')}.`,
    );
    return true;
  }

  /**
   * The key of the row `validate` last refused, when its client ID and referral date could be
   * read: a refused row can still repeat another's key, and that is reported in the same pass.
   */
  keyOfRefusedRow: ReferralKey | null = null;

  validate(row: SheetRow): ReferralRecord | null {
    this.row = row;
    this.errors = 0;
    const values = this.values.fill(null);
    const { cells } = row;
    for (let index = 0; index < this.cellIndexes.length; index++) {
      const cell: CellValue = cells[this.cellIndexes[index] as number] ?? null;
      if (!isBlank(cell)) {
        values[this.slots[index] as number] = this.readCell(index, cell);
      } else if (this.mandatory[index] === true) {
        const planned = this.plan[index] as PlannedColumn;
        this.report(
          'error',
          'mandatoryValueBlank',
          planned,
          null,
          `${planned.heading} is blank.`,
          `Every row needs a ${planned.column.heading.toLowerCase()}: fill it in, or delete the row if it is not a referral.`,
        );
      }
    }

    const referralDate = text(values[SLOT.referralDate] ?? null);
    const dateOfBirth = text(values[SLOT.dateOfBirth] ?? null);
    const vpStartDate = text(values[SLOT.vpStartDate] ?? null);
    const dischargeDate = text(values[SLOT.dischargeDate] ?? null);
    const caseloadStatus = text(values[SLOT.caseloadStatus] ?? null);
    this.checkDates(referralDate, dateOfBirth, vpStartDate, dischargeDate, caseloadStatus);
    this.checkContactDates(
      referralDate,
      text(values[SLOT.firstContactDate] ?? null),
      vpStartDate,
      text(values[SLOT.employerContactDate] ?? null),
    );
    const jobs = this.jobs(values, referralDate, dischargeDate);

    const clientId = text(values[SLOT.clientId] ?? null);
    const referralSource = text(values[SLOT.referralSource] ?? null);
    const specialist = text(values[SLOT.specialist] ?? null);
    if (this.errors > 0 || clientId === null || specialist === null || referralDate === null) {
      this.keyOfRefusedRow =
        clientId !== null && referralDate !== null
          ? { clientKey: this.context.clientKeyOf(clientId), referralDate }
          : null;
      return null;
    }
    return {
      clientKey: this.context.clientKeyOf(clientId),
      specialist,
      referralDate,
      ageBand: ageBandAtReferral(dateOfBirth, referralDate),
      localAuthority: text(values[SLOT.localAuthority] ?? null),
      gender: text(values[SLOT.gender] ?? null),
      ethnicity: text(values[SLOT.ethnicity] ?? null),
      benefits: text(values[SLOT.benefits] ?? null),
      referralSource,
      referralSourceCategory:
        referralSource === null || this.context.referralSources === null
          ? null
          : this.context.referralSources.categoryOf(referralSource),
      substanceGroup: text(values[SLOT.substanceGroup] ?? null),
      adderClient: yesNo(values[SLOT.adderClient] ?? null),
      employmentStatus: text(values[SLOT.employmentStatus] ?? null),
      firstContactDate: text(values[SLOT.firstContactDate] ?? null),
      vpStartDate,
      under25Education: yesNo(values[SLOT.under25Education] ?? null),
      under25Training: yesNo(values[SLOT.under25Training] ?? null),
      under25Family: yesNo(values[SLOT.under25Family] ?? null),
      employerContactDate: text(values[SLOT.employerContactDate] ?? null),
      caseloadStatus,
      dischargeDate,
      dischargeReason: text(values[SLOT.dischargeReason] ?? null),
      jobs,
    };
  }

  private checkDates(
    referralDate: IsoDate | null,
    dateOfBirth: IsoDate | null,
    vpStartDate: IsoDate | null,
    dischargeDate: IsoDate | null,
    caseloadStatus: string | null,
  ): void {
    if (dateOfBirth !== null && referralDate !== null) {
      const age = ageOn(dateOfBirth, referralDate);
      if (age < AGE_RANGE.min || age > AGE_RANGE.max) {
        this.report(
          'warning',
          'ageOutOfRange',
          this.columnAt(SLOT.dateOfBirth),
          null,
          `The age at referral is ${age < AGE_RANGE.min ? `under ${AGE_RANGE.min}` : `over ${AGE_RANGE.max}`}.`,
          'Check the date of birth and the referral date.',
        );
      }
    }
    if (referralDate !== null && dischargeDate !== null && dischargeDate < referralDate) {
      this.report(
        'error',
        'dischargeBeforeReferral',
        this.columnAt(SLOT.dischargeDate),
        cellAsTyped(asDate(dischargeDate)),
        'The discharge date is before the referral date.',
        'Check both dates: a client cannot be discharged before being referred.',
      );
    }
    if (referralDate !== null && vpStartDate !== null && vpStartDate < referralDate) {
      this.report(
        'warning',
        'dateBeforeReferral',
        this.columnAt(SLOT.vpStartDate),
        cellAsTyped(asDate(vpStartDate)),
        'The vocational profile started before the referral date.',
        'Check both dates; if the client was re-referred, the VP start belongs to the earlier referral row.',
      );
    }
    if (caseloadStatus === DISCHARGED_STATUS && dischargeDate === null) {
      this.report(
        'warning',
        'dischargedWithoutDate',
        this.columnAt(SLOT.caseloadStatus),
        DISCHARGED_STATUS,
        'The caseload status is Discharged but there is no discharge date, so the client still counts in the active caseload.',
        'Enter the discharge date.',
      );
    }
    if (caseloadStatus?.startsWith('Active') && dischargeDate !== null) {
      this.report(
        'warning',
        'dischargeDateWithActiveStatus',
        this.columnAt(SLOT.caseloadStatus),
        caseloadStatus,
        'There is a discharge date but the caseload status is active.',
        'Change the caseload status to Discharged, or remove the discharge date if the client is still supported.',
      );
    }
  }

  /**
   * A contact dated before the event it is timed from makes a negative wait, which docs/METRICS.md
   * still counts (as within target): the team leader is told, so the dates can be put right.
   */
  private checkContactDates(
    referralDate: IsoDate | null,
    firstContactDate: IsoDate | null,
    vpStartDate: IsoDate | null,
    employerContactDate: IsoDate | null,
  ): void {
    if (referralDate !== null && firstContactDate !== null && firstContactDate < referralDate) {
      this.report(
        'warning',
        'contactBeforeReferral',
        this.columnAt(SLOT.firstContactDate),
        cellAsTyped(asDate(firstContactDate)),
        `The first attempted contact is before the referral date, so its wait is negative and counts as within ${QUALITY_GUIDANCE.daysToFirstContact.withinDays} days.`,
        'Check both dates; if the client was re-referred, the contact belongs to the earlier referral row.',
      );
    }
    if (vpStartDate !== null && employerContactDate !== null && employerContactDate < vpStartDate) {
      this.report(
        'warning',
        'employerContactBeforeVpStart',
        this.columnAt(SLOT.employerContactDate),
        cellAsTyped(asDate(employerContactDate)),
        `The first face to face employer contact is before the vocational profile start, so its wait is negative and counts as within ${QUALITY_GUIDANCE.daysToEmployerContact.withinDays} days.`,
        'Check both dates: the wait is timed from the VP start.',
      );
    }
  }

  private jobs(
    values: readonly FieldValue[],
    referralDate: IsoDate | null,
    dischargeDate: IsoDate | null,
  ): JobRecord[] {
    const jobs: JobRecord[] = [];
    /** Counted jobs with no end date on a discharged record, by job number; made when needed. */
    let heldAfterDischarge: number[] | null = null;
    for (const jobNumber of JOB_NUMBERS) {
      const slot = JOB_SLOT[jobNumber - 1] as Record<JobField, number>;
      const startDate = text(values[slot.startDate] ?? null);
      const endDate = text(values[slot.endDate] ?? null);
      const hoursPerWeek = hours(values[slot.hoursPerWeek] ?? null);
      if (startDate === null) {
        if (endDate !== null || hoursPerWeek !== null) {
          this.report(
            'error',
            'jobWithoutStart',
            this.columnAt(slot.startDate),
            null,
            `Job ${jobNumber} has an end date or hours but no start date.`,
            'Enter the job start date, or clear the rest of the job.',
          );
        }
        continue;
      }
      if (endDate !== null && endDate < startDate) {
        this.report(
          'error',
          'jobEndBeforeStart',
          this.columnAt(slot.endDate),
          cellAsTyped(asDate(endDate)),
          `Job ${jobNumber} ends before it starts.`,
          'Check the start and end dates of the job.',
        );
      }
      const counted = referralDate !== null && startDate >= referralDate;
      if (counted && dischargeDate !== null && endDate === null) {
        heldAfterDischarge ??= [];
        heldAfterDischarge.push(jobNumber);
      }
      if (referralDate !== null && !counted) {
        this.report(
          'warning',
          'dateBeforeReferral',
          this.columnAt(slot.startDate),
          cellAsTyped(asDate(startDate)),
          `Job ${jobNumber} started before the referral date, so it is not counted as a job start or towards sustainment.`,
          'Check both dates; a job held at referral is recorded in the employment status at referral.',
        );
      }
      if (hoursPerWeek === 0) {
        this.report(
          'warning',
          'zeroHoursJob',
          this.columnAt(slot.hoursPerWeek),
          '0',
          `Job ${jobNumber} is recorded as 0 hours a week. It counts as a job start, in the lowest hours band (under 16 hours), but a job start is recorded once the client has worked more than 4 hours.`,
          'Check the hours per week: enter the hours the client works, or leave the cell blank if they are not known.',
        );
      }
      if (hoursPerWeek !== null && hoursPerWeek > HOURS_WARNING_THRESHOLD) {
        this.report(
          'warning',
          'hoursOver60',
          this.columnAt(slot.hoursPerWeek),
          String(hoursPerWeek),
          `Job ${jobNumber} is recorded as over ${HOURS_WARNING_THRESHOLD} hours a week.`,
          'Check the hours per week.',
        );
      }
      jobs.push({
        startDate,
        endDate,
        hoursPerWeek,
        sector: text(values[slot.sector] ?? null),
        occupation: text(values[slot.occupation] ?? null),
        preferenceMet: yesNo(values[slot.preferenceMet] ?? null),
      });
    }
    if (heldAfterDischarge !== null) this.reportJobsHeldAfterDischarge(heldAfterDischarge);
    return jobs;
  }

  /**
   * docs/METRICS.md: a blank job end date means still employed, also after the discharge date,
   * which cannot be evidenced; the sustainments view shows those as "reached after discharge, not
   * evidenced". One warning per record, at the first such job's end date.
   */
  private reportJobsHeldAfterDischarge(jobNumbers: readonly number[]): void {
    const [first] = jobNumbers;
    if (first === undefined) return;
    const firstSlot = JOB_SLOT[first - 1] as Record<JobField, number>;
    const jobs =
      jobNumbers.length === 1
        ? `job ${first} has`
        : `jobs ${jobNumbers.slice(0, -1).join(', ')} and ${jobNumbers.at(-1)} have`;
    this.report(
      'warning',
      'openJobAfterDischarge',
      this.columnAt(firstSlot.endDate) ?? this.columnAt(SLOT.dischargeDate),
      null,
      `The client is discharged but ${jobs} no end date, so the client counts as still employed after the discharge date. That cannot be evidenced: sustainments reached after discharge are shown as "reached after discharge, not evidenced".`,
      'Enter the job end date, or leave it blank if you have confirmed the client is still in work.',
    );
  }
}
