import { addDays, type IsoDate } from '../calendar/calendar-date.ts';
import type { CellValue } from '../spreadsheet/cells.ts';
import { LISTS } from '../spreadsheet/lists.ts';
import { COLUMNS } from '../spreadsheet/registry.ts';

/**
 * Realistic standard spreadsheets from a seed: for tests, benchmarks and the demo. Every column
 * of the registry is written; the never-read ones hold canary text (default `TESTPII`) so tests
 * can prove it never comes out. Every generated file is valid: no row breaks an error rule.
 */

export interface ReferralRowOptions {
  readonly rows: number;
  readonly seed: number;
  /** No generated date is after this. */
  readonly today: IsoDate;
  readonly specialists?: readonly string[];
  readonly clientIdPrefix?: string;
  readonly piiCanary?: string;
  /** Date of birth, written in every row, to check it never comes out either. */
  readonly dateOfBirth?: IsoDate;
}

export interface GeneratedSpreadsheet {
  readonly headings: readonly string[];
  readonly rows: Iterable<CellValue[]>;
}

/** mulberry32: small, fast and good enough to make test data from a seed. */
function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const LOCAL_AUTHORITIES = ['Leeds', 'Bradford', 'Wakefield', 'Kirklees', 'Calderdale'];
const REFERRAL_SOURCES = ['GP', 'CMHT', 'EIP', 'Self-referral', 'IAPT'];
const UNRECOGNISED = 'Not on the list';

export function generateReferralRows(options: ReferralRowOptions): GeneratedSpreadsheet {
  const headings = COLUMNS.map((column) => column.heading);
  return { headings, rows: referralRows(options) };
}

function* referralRows(options: ReferralRowOptions): Generator<CellValue[]> {
  const random = randomSource(options.seed);
  const chance = (probability: number) => random() < probability;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const listValue = (values: readonly string[]) => (chance(0.02) ? UNRECOGNISED : pick(values));
  const specialists = options.specialists ?? ['AB', 'CD', 'EF', 'GH', 'JK', 'LM'];
  const canary = options.piiCanary ?? 'TESTPII';
  const prefix = options.clientIdPrefix ?? 'C';
  const { today } = options;
  const date = (value: IsoDate): CellValue => ({ kind: 'date', date: value });
  /** A date `days` after `from`, or null when that would be after today. */
  const after = (from: IsoDate, days: number): IsoDate | null => {
    const value = addDays(from, days);
    return value <= today ? value : null;
  };

  for (let index = 0; index < options.rows; index++) {
    const values = new Map<string, CellValue>();
    const referralDate = addDays(today, -integer(0, 1095));
    values.set('clientId', `${prefix}${String(index + 1).padStart(7, '0')}`);
    values.set('localAuthority', chance(0.9) ? pick(LOCAL_AUTHORITIES) : null);
    values.set(
      'dateOfBirth',
      date(options.dateOfBirth ?? addDays(referralDate, -integer(18 * 365, 64 * 365))),
    );
    values.set('gender', listValue(LISTS.G.values));
    values.set('ethnicity', listValue(LISTS.E.values));
    values.set('benefits', chance(0.85) ? listValue(LISTS.B.values) : null);
    values.set('specialist', pick(specialists));
    values.set('referralDate', date(referralDate));
    values.set('referralSource', pick(REFERRAL_SOURCES));
    values.set('substanceGroup', chance(0.1) ? pick(LISTS.S.values) : null);
    values.set('adderClient', chance(0.05) ? 'Yes' : 'No');
    const status = random();
    values.set(
      'employmentStatus',
      status < 0.75
        ? pick(LISTS.R.values.slice(0, 2))
        : status < 0.9
          ? pick(LISTS.R.values.slice(2, 5))
          : 'Not known',
    );
    const firstContact = chance(0.9) ? after(referralDate, integer(0, 14)) : null;
    values.set('firstContactDate', firstContact && date(firstContact));
    const vpStart = chance(0.8) ? after(referralDate, integer(0, 60)) : null;
    values.set('vpStartDate', vpStart && date(vpStart));
    const employerContact = vpStart && chance(0.6) ? after(vpStart, integer(3, 90)) : null;
    values.set('employerContactDate', employerContact && date(employerContact));

    // Jobs: a first job some weeks or months after the VP start, then later jobs after gaps of
    // varying length (some under the 42-day reset, some over).
    let jobStart = vpStart && chance(0.45) ? after(vpStart, integer(20, 540)) : null;
    let holdingJob = false;
    for (let jobNumber = 1; jobNumber <= 5 && jobStart !== null; jobNumber++) {
      const ends = chance(0.5);
      const jobEnd = ends ? after(jobStart, integer(10, 400)) : null;
      values.set(`job${jobNumber}.startDate`, date(jobStart));
      values.set(`job${jobNumber}.hoursPerWeek`, chance(0.9) ? integer(4, 40) : null);
      values.set(`job${jobNumber}.sector`, pick(LISTS.J.values));
      values.set(`job${jobNumber}.occupation`, pick(LISTS.K.values));
      values.set(`job${jobNumber}.preferenceMet`, chance(0.7) ? 'Yes' : 'No');
      values.set(`job${jobNumber}.endDate`, jobEnd && date(jobEnd));
      holdingJob = jobEnd === null;
      jobStart = jobEnd !== null && chance(0.5) ? after(jobEnd, integer(1, 120)) : null;
    }

    const discharge = chance(0.25) ? after(referralDate, integer(30, 700)) : null;
    values.set('dischargeDate', discharge && date(discharge));
    values.set('dischargeReason', discharge ? pick(LISTS.D.values) : null);
    values.set(
      'caseloadStatus',
      discharge
        ? 'Discharged'
        : vpStart === null
          ? 'Referred - not yet engaged'
          : holdingJob
            ? 'Active - in work support'
            : 'Active - pre-employment',
    );

    yield COLUMNS.map((column) => {
      if (column.requirement !== 'N') return values.get(column.key) ?? null;
      // A job's employer and role are only filled in where there is a job, as in real files.
      const jobNumber = /^job(\d)\./.exec(column.key)?.[1];
      if (jobNumber !== undefined && !values.has(`job${jobNumber}.startDate`)) return null;
      return `${canary}${index + 1}`;
    });
  }
}
