import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { unzipSync } from 'fflate';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import { type CellValue, DEFAULT_READ_LIMITS } from '../spreadsheet/cells.ts';
import { writeCsv } from '../spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../spreadsheet/xlsx/xlsx-writer.ts';
import { type IngestOptions, ingestFiles, type SpreadsheetFile } from './ingest.ts';

const OPTIONS: IngestOptions = { clientKeyOf: clientKeyHasher('test'), today: '2025-11-20' };
const HEADINGS = [
  'Client ID',
  'Employment specialist initials',
  'Referral date',
  'Date vocational profile started',
  'Discharge date',
  '1st job start date',
  '1st job end date',
  'Gender',
];
const row = (clientId: string, specialist = 'AB', referralDate = '01/04/2024'): CellValue[] => [
  clientId,
  specialist,
  referralDate,
  null,
  null,
  null,
  null,
  'Female',
];
/** A referral in the active caseload: its vocational profile started on the day of referral. */
const active = (clientId: string, specialist = 'AB', referralDate = '01/04/2024'): CellValue[] => {
  const cells = row(clientId, specialist, referralDate);
  cells[3] = referralDate;
  return cells;
};
const csv = (name: string, headings: string[], rows: CellValue[][]): SpreadsheetFile => ({
  name,
  bytes: new TextEncoder().encode(writeCsv(headings, rows)),
});
const codes = (result: ReturnType<typeof ingestFiles>) =>
  result.problems.map((found) => `${found.severity}:${found.code}`);

describe('ingest', () => {
  test('reads the first sheet with the standard headings, below a title row, and reports other sheets with data', () => {
    const workbook = writeXlsx([
      {
        name: 'Instructions',
        rows: [['How to fill in this workbook'], ['Enter one row per referral.']],
      },
      { name: 'Referrals', rows: [['Team referrals, 2024/25'], HEADINGS, row('C1'), row('C2')] },
      { name: 'Old referrals', rows: [['Male'], ['Female']] },
      { name: 'Empty', rows: [] },
    ]);
    const result = ingestFiles([{ name: 'team.xlsx', bytes: workbook }], OPTIONS);
    assert.equal(result.hasErrors, false);
    assert.deepEqual(result.files, [
      {
        file: 'team.xlsx',
        sheet: 'Referrals',
        dataRows: 2,
        columnsNotRead: [],
        sheetsIgnored: ['Instructions', 'Old referrals'],
      },
    ]);
    assert.deepEqual(
      result.records.map(({ row: rowNumber }) => rowNumber),
      [3, 4],
    );
    assert.deepEqual(
      result.problems.filter((found) => found.code === 'sheetIgnored').map((found) => found.sheet),
      ['Instructions', 'Old referrals'],
    );
  });

  test('a sheet with only some mandatory headings is passed over for one with all of them', () => {
    const workbook = writeXlsx([
      { name: 'Summary', rows: [HEADINGS.slice(0, 3), row('S1').slice(0, 3)] },
      { name: 'Data', rows: [HEADINGS, row('C1'), row('C2')] },
    ]);
    const result = ingestFiles([{ name: 'team.xlsx', bytes: workbook }], OPTIONS);
    assert.equal(result.hasErrors, false, codes(result).join());
    assert.equal(result.files[0]?.sheet, 'Data');
    assert.deepEqual(result.files[0]?.sheetsIgnored, ['Summary']);
    assert.equal(result.records.length, 2);
  });

  test('an unknown heading near an optional one gets "did you mean"; other extra columns are listed as not read', () => {
    const result = ingestFiles(
      [
        csv(
          'team.csv',
          [...HEADINGS.slice(0, 7), 'Gendr', 'Our notes'],
          [[...row('C1').slice(0, 7), 'Female', 'x']],
        ),
      ],
      OPTIONS,
    );
    assert.deepEqual(result.files[0]?.columnsNotRead, ['Gendr', 'Our notes']);
    const notRead = result.problems.filter((found) => found.code === 'headingNotRead');
    assert.deepEqual(
      notRead.map((found) => [found.column, found.fix]),
      [['Gendr', "Did you mean 'Gender'? Rename the heading to read it."]],
    );
  });

  test('an optional column that is blank in every row is a warning', () => {
    const rows = [row('C1'), row('C2')].map((cells) =>
      cells.map((cell, index) => (index === 7 ? null : cell)),
    );
    const result = ingestFiles([csv('team.csv', HEADINGS, rows)], OPTIONS);
    assert.deepEqual(codes(result), ['warning:emptyOptionalColumn']);
    assert.equal(result.problems[0]?.column, 'Gender');
  });

  test("a job's columns blank in every row are no warning when no row has that job", () => {
    const headings = [...HEADINGS, '2nd job start date', '2nd job hours per week'];
    const noSecondJob = ingestFiles(
      [
        csv('team.csv', headings, [
          [...row('C1'), null, null],
          [...row('C2'), null, null],
        ]),
      ],
      OPTIONS,
    );
    assert.deepEqual(codes(noSecondJob), [], 'nobody has a 2nd job: nothing to say');
    const oneSecondJob = ingestFiles(
      [
        csv('team.csv', headings, [
          [...row('C1'), '01/05/2024', null],
          [...row('C2'), null, null],
        ]),
      ],
      OPTIONS,
    );
    assert.deepEqual(
      oneSecondJob.problems.map(({ code, column }) => `${code}:${column}`),
      ['emptyOptionalColumn:2nd job hours per week'],
      'a 2nd job without its hours is worth saying',
    );
  });

  test('specialists new to the team are listed once each, at their first row', () => {
    const result = ingestFiles(
      [csv('team.csv', HEADINGS, [row('C1', 'AB'), row('C2', 'XY'), row('C3', 'XY')])],
      {
        ...OPTIONS,
        knownSpecialists: new Set(['AB']),
      },
    );
    assert.deepEqual(result.newSpecialists, ['XY']);
    assert.deepEqual(
      result.problems.map((found) => [found.code, found.row, found.value]),
      [['newSpecialist', 3, 'XY']],
    );
    assert.deepEqual(result.specialists, ['AB', 'XY']);
  });

  test('the same client referred again on another date is a new record; the same date is a duplicate', () => {
    const result = ingestFiles(
      [
        csv('a.csv', HEADINGS, [
          active('C1', 'AB', '01/04/2024'),
          active('C1', 'AB', '01/09/2024'),
        ]),
        csv('b.csv', HEADINGS, [active('C1', 'CD', '01/09/2024')]),
      ],
      OPTIONS,
    );
    assert.equal(result.records.length, 2);
    assert.deepEqual(
      result.problems.map((found) => [found.code, found.file, found.row, found.description]),
      [
        // Neither of the client's referrals has a discharge date: both open.
        [
          'clientOpenTwice',
          'a.csv',
          3,
          'This row has the same client ID as row 2, and both are in the active caseload today (vocational profile started, not discharged), so the client has two open referrals. The active caseload counts the client once.',
        ],
        [
          'duplicateKey',
          'b.csv',
          2,
          'This row has the same client ID and referral date as row 3 of a.csv.',
        ],
      ],
    );
  });

  test("a client's open referrals after the first are each a warning naming the first", () => {
    const result = ingestFiles(
      [
        csv('a.csv', HEADINGS, [
          active('C1', 'AB', '01/04/2024'),
          active('C1', 'AB', '01/09/2024'),
        ]),
        csv('b.csv', HEADINGS, [active('C1', 'CD', '01/10/2024')]),
      ],
      OPTIONS,
    );
    assert.equal(result.hasErrors, false);
    assert.equal(result.records.length, 3, 'the rows are kept');
    assert.deepEqual(
      result.problems.map(({ severity, code, file, row: rowNumber, column, value }) => [
        severity,
        code,
        file,
        rowNumber,
        column,
        value,
      ]),
      [
        ['warning', 'clientOpenTwice', 'a.csv', 3, null, null],
        ['warning', 'clientOpenTwice', 'b.csv', 2, null, null],
      ],
    );
    assert.match(
      result.problems[0]?.description ?? '',
      /same client ID as row 2, and both are in the active caseload/,
    );
    assert.match(result.problems[1]?.description ?? '', /same client ID as row 2 of a\.csv/);
    assert.match(result.problems[1]?.fix ?? '', /enter the discharge date/);
  });

  test('a semicolon-separated CSV with decimal commas in hours is read as European Excel meant it', () => {
    const semicolons = [
      [...HEADINGS, '1st job hours per week'],
      ['C1', 'AB', '01/04/2024', '', '', '01/06/2024', '', 'Female', '37,5'],
      ['C2', 'AB', '01/04/2024', '', '', '01/06/2024', '', 'Female', '16'],
    ]
      .map((cells) => cells.join(';'))
      .join('\r\n');
    const read = ingestFiles(
      [{ name: 'team.csv', bytes: new TextEncoder().encode(semicolons) }],
      OPTIONS,
    );
    assert.equal(read.hasErrors, false, JSON.stringify(read.problems));
    assert.deepEqual(
      read.records.map(({ record }) => record.jobs[0]?.hoursPerWeek),
      [37.5, 16],
    );
    // In a comma-separated file "37,5" (quoted) is not a number: it could be a slip for 37 or 375.
    const commas = [
      [...HEADINGS, '1st job hours per week'].join(','),
      'C1,AB,01/04/2024,,,01/06/2024,,Female,"37,5"',
    ].join('\r\n');
    const refused = ingestFiles(
      [{ name: 'team.csv', bytes: new TextEncoder().encode(commas) }],
      OPTIONS,
    );
    assert.deepEqual(codes(refused), ['error:invalidNumber']);
  });

  test('text damaged by a wrong import is read as meant, with one warning naming the file', () => {
    const headings = [...HEADINGS, 'Employment status at referral'];
    const lines = [
      headings.join(','),
      'C1,AB,01/04/2024,,,,,Female,Unemployed â€“ seeking work',
      'C2,AB,01/04/2024,,,,,Female,Unemployed â€“ seeking work',
      'C3,AB,01/04/2024,,,,,Female,Unemployed - seeking work',
    ];
    const result = ingestFiles(
      [{ name: 'imported.csv', bytes: new TextEncoder().encode(lines.join('\r\n')) }],
      OPTIONS,
    );
    assert.deepEqual(codes(result), ['warning:textRepaired']);
    const [warning] = result.problems;
    assert.equal(warning?.file, 'imported.csv');
    assert.match(
      warning?.description ?? '',
      /^2 values in this file, the first in row 2, had characters damaged/,
    );
    // Read as meant, the status is on the list, so the figures count it as out of work.
    assert.deepEqual(
      new Set(result.records.map(({ record }) => record.employmentStatus)),
      new Set([result.records[2]?.record.employmentStatus]),
    );
    assert.ok(result.records[2]?.record.employmentStatus);
  });

  test('a spreadsheet headed as the user guide’s Appendix A names its data points is read', () => {
    const headings = [
      'Client Unique Identifier/ Local data system ID',
      "Employment Specialist's Initials",
      'Referral date',
      'Date Vocational Profile started',
      'Discharge date',
      '1st job start date',
      '1st job end date',
      'Local Authority of residence of client',
      'Duplicate name and DoB (for data validation purposes)',
    ];
    const rows = [['C1', 'AB', '01/04/2024', '08/04/2024', '', '01/06/2024', '', '', 'TESTPII']];
    const result = ingestFiles([csv('own.csv', headings, rows)], OPTIONS);
    assert.equal(result.hasErrors, false, JSON.stringify(result.problems));
    const [only] = result.records;
    assert.equal(only?.record.specialist, 'AB');
    assert.equal(only?.record.vpStartDate, '2024-04-08');
    assert.equal(only?.record.jobs[0]?.startDate, '2024-06-01');
    assert.doesNotMatch(JSON.stringify(result), /TESTPII/);
  });

  test('a discharged referral and an open one, or two clients, are no warning', () => {
    const discharged = active('C1', 'AB', '01/04/2024');
    discharged[4] = '31/07/2024';
    const rows = [discharged, active('C1', 'AB', '01/09/2024'), active('C2', 'AB', '01/09/2024')];
    assert.deepEqual(codes(ingestFiles([csv('team.csv', HEADINGS, rows)], OPTIONS)), []);
    // Not in the active caseload: no vocational profile yet, so neither counts in it.
    const waiting = [row('C3', 'AB', '01/04/2024'), row('C3', 'AB', '01/09/2024')];
    assert.deepEqual(codes(ingestFiles([csv('team.csv', HEADINGS, waiting)], OPTIONS)), []);
    // A discharge still to come leaves the referral in today's caseload.
    const leavingSoon = active('C4', 'AB', '01/04/2024');
    leavingSoon[4] = '01/12/2025';
    assert.deepEqual(
      codes(
        ingestFiles(
          [csv('team.csv', HEADINGS, [leavingSoon, active('C4', 'AB', '01/09/2024')])],
          OPTIONS,
        ),
      ),
      ['warning:futureDate', 'warning:clientOpenTwice'],
    );
    // A row refused for its errors is not a referral yet, so not an open one either.
    const refused = row('C1', 'AB', '01/04/2024');
    refused[3] = 'soon';
    const withError = ingestFiles(
      [csv('team.csv', HEADINGS, [refused, active('C1', 'AB', '01/09/2024')])],
      OPTIONS,
    );
    assert.deepEqual(codes(withError), ['error:invalidDate']);
  });

  test('a row with other errors still has its key checked, so both problems show in one pass', () => {
    const badDischarge = row('C1');
    badDischarge[4] = 'soon';
    const result = ingestFiles(
      [csv('team.csv', HEADINGS, [badDischarge, row('C1'), row('C2', 'AB', 'never'), row('C2')])],
      OPTIONS,
    );
    assert.deepEqual(
      result.problems.map((found) => [found.code, found.row]),
      [
        ['invalidDate', 2],
        ['duplicateKey', 3],
        ['invalidDate', 4],
      ],
    );
    assert.match(result.problems[1]?.description ?? '', /as row 2\./);
    assert.deepEqual(
      result.records.map(({ row: rowNumber }) => rowNumber),
      [5],
    );
  });

  test('the XLSX files of one upload share one inflation budget', () => {
    const file = (name: string) => {
      const rows = Array.from({ length: 3_000 }, (_, index) => row(`${name}-${index}`));
      return { name, bytes: writeXlsx([{ name: 'Referrals', rows: [HEADINGS, ...rows] }]) };
    };
    const inflated = Object.values(unzipSync(file('one.xlsx').bytes)).reduce(
      (total, part) => total + part.length,
      0,
    );
    const limits = { ...DEFAULT_READ_LIMITS, maxDecompressedUploadBytes: inflated * 1.5 };
    assert.deepEqual(codes(ingestFiles([file('one.xlsx')], { ...OPTIONS, limits })), []);
    const two = ingestFiles([file('one.xlsx'), file('two.xlsx')], { ...OPTIONS, limits });
    assert.deepEqual(codes(two), ['error:fileUnreadable']);
    assert.equal(two.problems[0]?.file, 'two.xlsx');
    assert.match(two.problems[0]?.description ?? '', /takes the upload past \d+ MB uncompressed/);
  });

  test('files over the limits are refused and say what the limits are', () => {
    const file = csv('team.csv', HEADINGS, [row('C1'), row('C2'), row('C3')]);
    const tooManyRows = ingestFiles([file], {
      ...OPTIONS,
      limits: { ...DEFAULT_READ_LIMITS, maxRows: 2 },
    });
    assert.deepEqual(codes(tooManyRows), ['error:tooManyRows']);
    assert.match(tooManyRows.problems[0]?.description ?? '', /more than 2 rows of data/);
    const tooLarge = ingestFiles([file], {
      ...OPTIONS,
      limits: { ...DEFAULT_READ_LIMITS, maxFileBytes: 1024 * 1024 * 0.0001 },
    });
    assert.deepEqual(codes(tooLarge), ['error:fileUnreadable']);
    assert.match(tooLarge.problems[0]?.description ?? '', /is larger than the \d+ MB limit/);
  });

  test('random bytes, as CSV or XLSX, give problems, never an exception', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 600 }),
        fc.constantFrom('x.csv', 'x.xlsx', 'x'),
        (bytes, name) => {
          const result = ingestFiles([{ name, bytes }], OPTIONS);
          assert.equal(result.hasErrors, true);
          assert.deepEqual(result.records, []);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('any text under the standard headings is validated without an exception', () => {
    const anyCell = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('29/02/abcd', '31/12/9999', '00/00/0000', '1/1/1', '-1', '81', 'Yes', '  '),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(anyCell, { minLength: 8, maxLength: 8 }), {
          minLength: 1,
          maxLength: 20,
        }),
        (rows) => {
          const result = ingestFiles([csv('team.csv', HEADINGS, rows)], OPTIONS);
          // Every row with something in it becomes a record or has an error naming it.
          const rowsWithErrors = new Set(
            result.problems.filter((found) => found.severity === 'error').map((found) => found.row),
          );
          const rowsRecorded = new Set(result.records.map((record) => record.row));
          rows.forEach((cells, index) => {
            if (cells.every((cell) => cell === '')) return;
            const rowNumber = index + 2;
            assert.ok(
              rowsRecorded.has(rowNumber) !== rowsWithErrors.has(rowNumber),
              `row ${rowNumber}`,
            );
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
