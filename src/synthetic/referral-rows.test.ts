import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { daysBetween, type IsoDate } from '../calendar/calendar-date.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import { type CellValue, isDateCell } from '../spreadsheet/cells.ts';
import { writeCsv } from '../spreadsheet/csv/csv-writer.ts';
import { LISTS, matchListValue, OUT_OF_WORK_STATUSES } from '../spreadsheet/lists.ts';
import { ReferralSourceList } from '../spreadsheet/referral-sources.ts';
import { COLUMNS, JOB_NUMBERS, type ReadColumn } from '../spreadsheet/registry.ts';
import { writeXlsx } from '../spreadsheet/xlsx/xlsx-writer.ts';
import {
  DEFAULT_SPECIALISTS,
  generateReferralRows,
  SYNTHETIC_REFERRAL_SOURCES,
} from './referral-rows.ts';

const TODAY = '2025-11-20';
const index = new Map(COLUMNS.map((column, position) => [column.key, position]));
function cell(row: readonly CellValue[], key: string): CellValue {
  const position = index.get(key);
  assert.ok(position !== undefined, key);
  return row[position] ?? null;
}
function dateIn(row: readonly CellValue[], key: string): IsoDate | null {
  const value = cell(row, key);
  if (value === null) return null;
  assert.ok(isDateCell(value), `${key} is a date cell`);
  return value.date;
}
const share = (count: number, total: number) => count / total;

const ROWS = 5_000;
const rows = [...generateReferralRows({ rows: ROWS, seed: 7, today: TODAY }).rows];

describe('synthetic referral rows', () => {
  test('the same seed gives the same rows, every time they are iterated; another seed differs', () => {
    const sheet = generateReferralRows({ rows: 200, seed: 7, today: TODAY });
    const first = JSON.stringify([...sheet.rows]);
    assert.equal(JSON.stringify([...sheet.rows]), first);
    assert.equal(JSON.stringify(rows.slice(0, 200)), first);
    const other = generateReferralRows({ rows: 200, seed: 8, today: TODAY });
    assert.notEqual(JSON.stringify([...other.rows]), first);
  });

  test('every registry column, in order, in every row; exactly the rows asked for', () => {
    const sheet = generateReferralRows({ rows: 3, seed: 1, today: TODAY });
    assert.deepEqual(
      sheet.headings,
      COLUMNS.map((column) => column.heading),
    );
    assert.equal(rows.length, ROWS);
    assert.ok(rows.every((row) => row.length === COLUMNS.length));
  });

  test('no two rows share a key (client ID and referral date); some clients are referred again', () => {
    const keys = new Set(
      rows.map((row) => `${cell(row, 'clientId')}|${dateIn(row, 'referralDate')}`),
    );
    assert.equal(keys.size, ROWS);
    const clients = new Set(rows.map((row) => cell(row, 'clientId')));
    assert.ok(clients.size < ROWS, 'some repeat referrals');
    assert.ok(clients.size > ROWS * 0.9, 'most clients have one referral');
  });

  test('every row keeps the error rules of SPREADSHEET.md, and the warnings about dates', () => {
    for (const row of rows) {
      const referral = dateIn(row, 'referralDate');
      assert.ok(referral !== null, 'referral date given');
      assert.ok(typeof cell(row, 'clientId') === 'string');
      assert.match(String(cell(row, 'specialist')), /^[A-Z]{2,4}$/);
      for (const column of COLUMNS) {
        const value = cell(row, column.key);
        if (column.requirement === 'N' || value === null) continue;
        const type = (column as ReadColumn).type;
        if (type === 'date') {
          assert.ok(isDateCell(value), column.key);
          assert.ok(value.date <= TODAY, `${column.key} not in the future`);
        } else if (type === 'hours') {
          assert.ok(typeof value === 'number' && value >= 4 && value <= 40, column.key);
        } else if (type === 'yesNo') {
          assert.ok(value === 'Yes' || value === 'No', column.key);
        } else {
          assert.equal(typeof value, 'string', column.key);
        }
      }
      const discharge = dateIn(row, 'dischargeDate');
      if (discharge !== null) assert.ok(discharge >= referral, 'discharge after referral');
      assert.equal(discharge !== null, cell(row, 'caseloadStatus') === 'Discharged');
      assert.equal(discharge !== null, cell(row, 'dischargeReason') !== null);
      const vpStart = dateIn(row, 'vpStartDate');
      if (vpStart !== null) assert.ok(vpStart >= referral, 'VP start after referral');
      let previousEnd: IsoDate | null = null;
      for (const jobNumber of JOB_NUMBERS) {
        const start = dateIn(row, `job${jobNumber}.startDate`);
        const end = dateIn(row, `job${jobNumber}.endDate`);
        if (start === null) {
          for (const field of ['endDate', 'hoursPerWeek', 'sector', 'employer', 'role'])
            assert.equal(cell(row, `job${jobNumber}.${field}`), null, 'no job without a start');
          continue;
        }
        assert.ok(start >= referral, 'job start after referral');
        if (end !== null) assert.ok(end >= start, 'job end after start');
        if (discharge !== null) assert.ok((end ?? start) <= discharge, 'nothing after discharge');
        if (jobNumber > 1) assert.ok(previousEnd !== null && start > previousEnd, 'jobs in turn');
        previousEnd = end;
      }
    }
  });

  test('realistic proportions', () => {
    const count = (predicate: (row: CellValue[]) => boolean) =>
      share(rows.filter(predicate).length, ROWS);
    const between = (value: number, low: number, high: number, what: string) =>
      assert.ok(value >= low && value <= high, `${what}: ${value.toFixed(3)}`);

    between(
      count((row) => dateIn(row, 'vpStartDate') !== null),
      0.72,
      0.85,
      'VP started',
    );
    between(
      count((row) => dateIn(row, 'job1.startDate') !== null),
      0.3,
      0.45,
      'first job',
    );
    between(
      count((row) => dateIn(row, 'job2.startDate') !== null),
      0.05,
      0.2,
      'second job',
    );
    assert.ok(count((row) => dateIn(row, 'job5.startDate') !== null) > 0, 'some have five jobs');
    between(
      count((row) => dateIn(row, 'dischargeDate') !== null),
      0.2,
      0.3,
      'discharged',
    );
    between(
      count((row) => OUT_OF_WORK_STATUSES.includes(String(cell(row, 'employmentStatus')))),
      0.75,
      0.88,
      'out of work at referral',
    );
    between(
      count((row) => matchListValue('G', String(cell(row, 'gender'))) === undefined),
      0.01,
      0.035,
      'gender not in the list',
    );
    const genders: readonly string[] = LISTS.G.values;
    assert.ok(
      count((row) => !genders.includes(String(cell(row, 'gender')))) >
        count((row) => matchListValue('G', String(cell(row, 'gender'))) === undefined),
      'some list values are typed in another case or with other dashes',
    );

    const referralDays = rows.map((row) =>
      daysBetween(dateIn(row, 'referralDate') ?? TODAY, TODAY),
    );
    assert.ok(Math.max(...referralDays) > 1000 && Math.min(...referralDays) < 30, 'three years');
    const specialists = new Set(rows.map((row) => cell(row, 'specialist')));
    assert.deepEqual([...specialists].sort(), [...DEFAULT_SPECIALISTS].sort());

    const jobDelays: number[] = [];
    const breaks: number[] = [];
    let blankHours = 0;
    for (const row of rows) {
      const vpStart = dateIn(row, 'vpStartDate');
      const firstJob = dateIn(row, 'job1.startDate');
      if (vpStart !== null && firstJob !== null) jobDelays.push(daysBetween(vpStart, firstJob));
      for (const jobNumber of JOB_NUMBERS.slice(1)) {
        const start = dateIn(row, `job${jobNumber}.startDate`);
        const previousEnd = dateIn(row, `job${jobNumber - 1}.endDate`);
        if (start !== null && previousEnd !== null)
          breaks.push(daysBetween(previousEnd, start) - 1);
      }
      if (firstJob !== null && cell(row, 'job1.hoursPerWeek') === null) blankHours++;
    }
    assert.ok(
      Math.min(...jobDelays) >= 30 && Math.max(...jobDelays) <= 548,
      'first job 1–18 months',
    );
    assert.ok(
      breaks.some((days) => days < 42) && breaks.some((days) => days >= 42),
      'breaks between jobs either side of 42 days',
    );
    assert.ok(blankHours > 0, 'some hours left blank');
  });

  test('never-read columns hold the canary, and no read column does; options are honoured', () => {
    const options = {
      rows: 300,
      seed: 3,
      today: TODAY,
      piiCanary: 'CANARY',
      clientIdPrefix: 'TEAMX-',
      specialists: ['QQ', 'RST'],
    };
    const generated = [...generateReferralRows(options).rows];
    for (const row of generated) {
      assert.match(String(cell(row, 'clientId')), /^TEAMX-\d{6}$/);
      assert.ok(['QQ', 'RST'].includes(String(cell(row, 'specialist'))));
      for (const column of COLUMNS) {
        const value = cell(row, column.key);
        const hasCanary = typeof value === 'string' && value.includes('CANARY');
        if (column.requirement === 'N') assert.ok(value === null || hasCanary, column.key);
        else assert.ok(!hasCanary, column.key);
      }
      assert.ok(String(cell(row, 'firstName')).includes('CANARY'));
    }
    // Never-read values include what makes CSV hard: commas, quotes and line breaks.
    const comments = generated.map((row) => String(cell(row, 'comments')));
    assert.ok(comments.some((comment) => comment.includes('\n')));
    assert.ok(generated.some((row) => String(cell(row, 'job1.role')).includes('"')));
  });

  test('generated files pass validation with no errors, as CSV and as XLSX', () => {
    const sheet = generateReferralRows({ rows: 2_000, seed: 11, today: TODAY });
    // Spreadsheet row numbers (the headings are row 1) of discharged rows with a job still held.
    const heldAfterDischarge = [...sheet.rows].flatMap((row, index) =>
      dateIn(row, 'dischargeDate') !== null &&
      JOB_NUMBERS.some(
        (jobNumber) =>
          dateIn(row, `job${jobNumber}.startDate`) !== null &&
          dateIn(row, `job${jobNumber}.endDate`) === null,
      )
        ? [index + 2]
        : [],
    );
    assert.ok(heldAfterDischarge.length > 0, 'some clients are discharged in work');
    const files = [
      { name: 'team.csv', bytes: new TextEncoder().encode(writeCsv(sheet.headings, sheet.rows)) },
      {
        name: 'team.xlsx',
        bytes: writeXlsx([{ name: 'Referrals', rows: [sheet.headings, ...sheet.rows] }]),
      },
    ];
    for (const file of files) {
      const result = ingestFiles([file], {
        clientKeyOf: clientKeyHasher('test-secret'),
        today: TODAY,
        knownSpecialists: new Set(DEFAULT_SPECIALISTS),
        referralSources: new ReferralSourceList(SYNTHETIC_REFERRAL_SOURCES),
      });
      const errors = result.problems.filter((found) => found.severity === 'error');
      assert.deepEqual(errors, [], file.name);
      assert.equal(result.records.length, 2_000, file.name);
      // The only warnings: the few unlisted values, later job columns no one reached, and the
      // clients discharged while still in work, whose jobs have no end date.
      const warnings = new Set(result.problems.map((found) => found.code));
      assert.ok(warnings.has('valueNotInList'), file.name);
      warnings.delete('valueNotInList');
      warnings.delete('emptyOptionalColumn');
      warnings.delete('openJobAfterDischarge');
      assert.deepEqual([...warnings], [], file.name);
      assert.deepEqual(
        result.problems
          .filter((found) => found.code === 'openJobAfterDischarge')
          .map((found) => found.row),
        heldAfterDischarge,
        file.name,
      );
    }
  });
});
