import { ageOn, fromDayNumber, type IsoDate, toDayNumber } from '../calendar/calendar-date.ts';
import type { CellValue } from '../spreadsheet/cells.ts';
import { LISTS } from '../spreadsheet/lists.ts';
import type { ServiceReferralSource } from '../spreadsheet/referral-sources.ts';
import { COLUMNS } from '../spreadsheet/registry.ts';

/**
 * Realistic standard spreadsheets from a seed: for tests, benchmarks and the demo. Every column
 * of the registry is written, in the registry's order; the never-read ones hold personal-looking
 * text containing a canary (default `TESTPII`) so tests can prove it never comes out. Every
 * generated file is valid: no row breaks an error rule, and the same seed gives the same rows.
 */

export interface ReferralRowOptions {
  readonly rows: number;
  readonly seed: number;
  /** No generated date is after this. */
  readonly today: IsoDate;
  /** Referral dates fall in this many years up to today (default 3). */
  readonly years?: number;
  /** Employment specialist initials to share the caseload between (default six pairs). */
  readonly specialists?: readonly string[];
  /** Client IDs are this prefix and a number (default `C`). */
  readonly clientIdPrefix?: string;
  /** Text inside every never-read value (default `TESTPII`). */
  readonly piiCanary?: string;
  /** Date of birth written in every row, to check it never comes out either. */
  readonly dateOfBirth?: IsoDate;
}

export interface GeneratedSpreadsheet {
  readonly headings: readonly string[];
  /** The data rows, cells in heading order; each iteration starts again and gives the same rows. */
  readonly rows: Iterable<CellValue[]>;
}

export const DEFAULT_SPECIALISTS: readonly string[] = ['AB', 'CD', 'EF', 'GH', 'JK', 'LMN'];

export function generateReferralRows(options: ReferralRowOptions): GeneratedSpreadsheet {
  return {
    headings: COLUMNS.map((column) => column.heading),
    rows: { [Symbol.iterator]: () => referralRows(options) },
  };
}

/** mulberry32: small, fast and good enough to make test data from a seed. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const COLUMN_INDEX: ReadonlyMap<string, number> = new Map(
  COLUMNS.map((column, index) => [column.key, index]),
);
function columnIndex(key: string): number {
  const index = COLUMN_INDEX.get(key);
  if (index === undefined) throw new Error(`No column ${key} in the registry`);
  return index;
}

const LOCAL_AUTHORITIES = ['Leeds', 'Bradford', 'Wakefield', 'Kirklees', 'Calderdale', 'York'];
/** The referral sources a generated service lists; its rows use only these. */
export const SYNTHETIC_REFERRAL_SOURCES: readonly ServiceReferralSource[] = [
  { name: 'GP', category: 'Primary care or GP' },
  { name: 'CMHT', category: 'Community mental health team' },
  { name: 'Early intervention', category: 'Early intervention in psychosis' },
  { name: 'Self-referral', category: 'Self-referral' },
  { name: 'Talking therapies', category: 'NHS Talking Therapies' },
];
const REFERRAL_SOURCES = SYNTHETIC_REFERRAL_SOURCES.map(({ name }) => name);
/** What people type when the drop-down has no value that fits: kept with a warning. */
const UNLISTED_VALUES = ['Unknown', 'See notes', 'TBC', 'N/A'];
const SIC_CODES = ['47', '56', '86', '87', '88', '49'];
const SOC_CODES = ['4', '6', '7', '9'];
const FIRST_NAMES = ['Alex', 'Sam', 'Priya', 'Tomasz', 'Aisha', 'Siobhán', 'Jordan', 'Mohammed'];
const SURNAMES = ['Smith', "O'Brien", 'Khan', 'Nowak', 'Jones', 'Okafor', 'Taylor-Reid'];
const EMPLOYERS = [
  'Greggs',
  'Leeds Teaching Hospitals',
  'Tesco',
  'Royal Mail',
  'Smith & Sons, Ltd',
];
const ROLES = ['Care assistant, nights', 'Warehouse operative', 'Barista', 'Admin "temp"'];
const COMMENTS = [
  'Left a voicemail, will try again',
  'Prefers "text" messages\nnot calls',
  'Interested in retail; CV done',
];

const DISCHARGE_REASONS_NOT_IN_WORK = LISTS.D.values.filter(
  (reason) => reason !== 'Employed - support no longer needed',
);
/** A break this long between jobs resets the sustainment clock (docs/METRICS.md): breaks straddle it. */
const RESETTING_BREAK_DAYS = 42;
/** The share of clients still open after two weeks who have been discharged. */
const DISCHARGE_CHANCE = 0.25;
/** The share of discharged clients referred again: a new row with the same client ID. */
const REFERRED_AGAIN_CHANCE = 0.15;

interface Episode {
  readonly row: CellValue[];
  /** Null when the client is still on the caseload. */
  readonly dischargeDay: number | null;
}

function* referralRows(options: ReferralRowOptions): Generator<CellValue[]> {
  const random = randomSource(options.seed);
  const chance = (probability: number) => random() < probability;
  const integer = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  /** Like `integer`, but weighted towards `min`: most first jobs come within months, most are short. */
  const early = (min: number, max: number) => min + Math.floor(random() ** 2 * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const specialists = options.specialists ?? DEFAULT_SPECIALISTS;
  if (specialists.length === 0) throw new Error('Give at least one specialist.');
  const canary = options.piiCanary ?? 'TESTPII';
  const prefix = options.clientIdPrefix ?? 'C';
  const today = toDayNumber(options.today);
  const date = (day: number): CellValue => ({ kind: 'date', date: fromDayNumber(day) });

  /** A list value as people type it: mostly exact, some in other case or dashes, a few unlisted. */
  const listValue = (values: readonly string[]): string => {
    const roll = random();
    if (roll < 0.02) return pick(UNLISTED_VALUES);
    const value = pick(values);
    if (roll < 0.03) return value.toLowerCase();
    if (roll < 0.04) return value.replace(' - ', ' – ');
    return value;
  };
  const yesNo = (probabilityYes: number) => (chance(probabilityYes) ? 'Yes' : 'No');

  /** One referral episode of a client. */
  const episode = (clientId: string, referralDay: number, birth: IsoDate): Episode => {
    const row: CellValue[] = COLUMNS.map(() => null);
    const set = (key: string, value: CellValue) => {
      row[columnIndex(key)] = value;
    };
    const referralDate = fromDayNumber(referralDay);
    // A discharged client's record stops at the discharge date: nothing later is recorded.
    const daysOpen = today - referralDay;
    const dischargeDay =
      daysOpen >= 14 && chance(DISCHARGE_CHANCE)
        ? referralDay + integer(14, Math.min(daysOpen, 720))
        : null;
    const lastDay = dischargeDay ?? today;
    /** `from` plus `days`, or null when that is beyond what the record can hold. */
    const after = (from: number, days: number): number | null =>
      from + days <= lastDay ? from + days : null;

    set('clientId', clientId);
    set('localAuthority', chance(0.9) ? pick(LOCAL_AUTHORITIES) : null);
    set('dateOfBirth', { kind: 'date', date: birth });
    set('gender', listValue(LISTS.G.values));
    set('ethnicity', chance(0.95) ? listValue(LISTS.E.values) : null);
    set('benefits', chance(0.85) ? listValue(LISTS.B.values) : null);
    set('specialist', pick(specialists));
    set('referralDate', date(referralDay));
    set('referralSource', pick(REFERRAL_SOURCES));
    set('substanceGroup', chance(0.1) ? listValue(LISTS.S.values) : null);
    set('adderClient', yesNo(0.05));
    const status = random();
    set(
      'employmentStatus',
      status < 0.6
        ? 'Unemployed - seeking work'
        : status < 0.82
          ? 'Unemployed - not seeking work (economically inactive)'
          : status < 0.95
            ? pick(LISTS.R.values.slice(2, 5))
            : 'Not known',
    );
    if (ageOn(birth, referralDate) < 25) {
      set('under25Education', yesNo(0.3));
      set('under25Training', yesNo(0.3));
      set('under25Family', yesNo(0.5));
    }
    const firstContact = chance(0.9) ? after(referralDay, integer(0, 14)) : null;
    set('firstContactDate', firstContact === null ? null : date(firstContact));
    const vpStart = chance(0.85) ? after(referralDay, integer(0, 60)) : null;
    set('vpStartDate', vpStart === null ? null : date(vpStart));
    const employerContact = vpStart !== null && chance(0.6) ? after(vpStart, integer(3, 90)) : null;
    set('employerContactDate', employerContact === null ? null : date(employerContact));

    // A first job one to eighteen months after the VP start, then later jobs after breaks either
    // side of the 42-day reset.
    let jobStart = vpStart !== null && chance(0.7) ? after(vpStart, early(30, 548)) : null;
    let inWork = false;
    for (let jobNumber = 1; jobNumber <= 5 && jobStart !== null; jobNumber++) {
      const job = (field: string, value: CellValue) => set(`job${jobNumber}.${field}`, value);
      const jobEnd = chance(0.6) ? after(jobStart, early(1, 450)) : null;
      job('startDate', date(jobStart));
      job('hoursPerWeek', chance(0.1) ? null : chance(0.2) ? integer(8, 79) / 2 : integer(4, 40));
      job('employer', `${canary} ${pick(EMPLOYERS)}`);
      job('role', `${pick(ROLES)} ${canary}`);
      job('sector', chance(0.05) ? pick(SIC_CODES) : listValue(LISTS.J.values));
      job('occupation', chance(0.05) ? pick(SOC_CODES) : listValue(LISTS.K.values));
      job('preferenceMet', chance(0.9) ? yesNo(0.7) : null);
      job('endDate', jobEnd === null ? null : date(jobEnd));
      inWork = jobEnd === null;
      // The break is the days with no job: next start − previous end − 1.
      const breakDays = chance(0.5)
        ? integer(0, RESETTING_BREAK_DAYS - 1)
        : integer(RESETTING_BREAK_DAYS, 240);
      jobStart = jobEnd !== null && chance(0.6) ? after(jobEnd, breakDays + 1) : null;
    }

    set('dischargeDate', dischargeDay === null ? null : date(dischargeDay));
    set(
      'dischargeReason',
      dischargeDay === null
        ? null
        : inWork && chance(0.8)
          ? 'Employed - support no longer needed'
          : listValue(DISCHARGE_REASONS_NOT_IN_WORK),
    );
    set(
      'caseloadStatus',
      dischargeDay !== null
        ? 'Discharged'
        : vpStart === null
          ? 'Referred - not yet engaged'
          : inWork
            ? 'Active - in work support'
            : chance(0.05)
              ? 'On hold'
              : 'Active - pre-employment',
    );

    const firstName = pick(FIRST_NAMES);
    const surname = pick(SURNAMES);
    set('firstName', `${firstName} ${canary}`);
    set('surname', `${surname} ${canary}`);
    set('duplicateClientIdCheck', `${canary} unique`);
    set('duplicateNameDobCheck', `${canary} unique`);
    set('telephone', `07700 900${String(integer(0, 999)).padStart(3, '0')} ${canary}`);
    set('email', `${firstName.toLowerCase()}.${canary}@example.org`);
    set('postcode', `LS${integer(1, 29)} ${canary}`);
    set('nationalInsuranceNumber', `QQ ${canary} ${integer(10, 99)} C`);
    set('dataSharingConsent', `Yes ${canary}`);
    set('referrerName', `Dr ${pick(SURNAMES)} ${canary}`);
    set('personalInformationDiscussed', `Yes ${canary}`);
    set('sustainment13', `${canary} Y`);
    set('sustainment26', `${canary} N`);
    set('comments', chance(0.6) ? `${pick(COMMENTS)} ${canary}` : null);
    return { row, dischargeDay };
  };

  let clientNumber = 0;
  for (let produced = 0; produced < options.rows; ) {
    clientNumber++;
    const clientId = `${prefix}${String(clientNumber).padStart(6, '0')}`;
    const referralDay = today - integer(0, Math.round((options.years ?? 3) * 365));
    const birth = options.dateOfBirth ?? fromDayNumber(referralDay - integer(17 * 365, 66 * 365));
    let current = episode(clientId, referralDay, birth);
    yield current.row;
    produced++;
    // Some discharged clients come back: a new row, same client ID, a later referral date.
    while (
      produced < options.rows &&
      current.dischargeDay !== null &&
      current.dischargeDay < today &&
      chance(REFERRED_AGAIN_CHANCE)
    ) {
      current = episode(
        clientId,
        current.dischargeDay + integer(1, today - current.dischargeDay),
        birth,
      );
      yield current.row;
      produced++;
    }
  }
}
