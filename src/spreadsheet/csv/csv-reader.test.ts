import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import Papa from 'papaparse';
import {
  ALL_COLUMNS,
  type CellValue,
  type ColumnSelection,
  DEFAULT_READ_LIMITS,
  FileProblem,
  type SheetRow,
} from '../cells.ts';
import { openCsvWorkbook } from './csv-reader.ts';
import { writeCsv } from './csv-writer.ts';

const encode = (text: string) => new TextEncoder().encode(text);
function read(bytes: Uint8Array, selection: ColumnSelection = ALL_COLUMNS): SheetRow[] {
  const sheet = openCsvWorkbook(bytes, 'test.csv', DEFAULT_READ_LIMITS).sheets[0];
  assert.ok(sheet);
  return [...sheet.rows(selection)];
}
const cells = (rows: SheetRow[]) => rows.map((row) => row.cells);
function problemOf(bytes: Uint8Array): FileProblem {
  try {
    read(bytes);
  } catch (error) {
    assert.ok(error instanceof FileProblem);
    return error;
  }
  assert.fail('expected a FileProblem');
}

describe('CSV reader', () => {
  test('quoted fields with commas, doubled quotes and line breaks; row numbers as a spreadsheet shows them', () => {
    const rows = read(
      encode('Client ID,Comments,Gender\r\nC1,"one, two","say ""hi""\nthere"\r\nC2,,Male\r\n'),
    );
    assert.deepEqual(cells(rows), [
      ['Client ID', 'Comments', 'Gender'],
      ['C1', 'one, two', 'say "hi"\nthere'],
      ['C2', null, 'Male'],
    ]);
    assert.deepEqual(
      rows.map((row) => row.rowNumber),
      [1, 2, 3],
    );
  });

  test('LF, CR and CRLF line ends, a last line without one, and blank records skipped but counted', () => {
    const rows = read(encode('a,b\n1,2\r3,4\r\n,,\n5,6'));
    assert.deepEqual(cells(rows), [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    assert.deepEqual(
      rows.map((row) => row.rowNumber),
      [1, 2, 3, 5],
    );
  });

  test('a UTF-8 byte-order mark is dropped', () => {
    assert.deepEqual(
      cells(read(new Uint8Array([0xef, 0xbb, 0xbf, ...encode('Client ID\r\nC1')]))),
      [['Client ID'], ['C1']],
    );
  });

  test('Windows-1252 from Excel is decoded: ’ £ é', () => {
    const bytes = new Uint8Array([
      ...encode('Benefits,Town\r\nJobseeker'),
      0x92,
      ...encode('s Allowance,'),
      0xa3,
      0xe9,
    ]);
    assert.deepEqual(cells(read(bytes))[1], ['Jobseeker’s Allowance', '£é']);
    const punctuation = new Uint8Array([...encode('x\n'), 0x80, 0x96, 0x93, 0x94, 0x9f]);
    assert.deepEqual(cells(read(punctuation))[1], ['€–“”Ÿ']);
  });

  test('UTF-16 "Unicode text" with its byte-order mark', () => {
    const text = 'Client ID,Town\r\nC1,Zürich\r\n';
    const bytes = new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
    assert.deepEqual(cells(read(bytes)), [
      ['Client ID', 'Town'],
      ['C1', 'Zürich'],
    ]);
  });

  test('semicolon-separated exports are recognised from the heading line', () => {
    assert.deepEqual(cells(read(encode('Client ID;Gender\n"C;1";Female\n'))), [
      ['Client ID', 'Gender'],
      ['C;1', 'Female'],
    ]);
  });

  test('a switched-off column is scanned past and left null; a row with data only there still counts', () => {
    const rows = read(encode('Client ID,Surname\nC1,"TESTPII, quoted"\n,TESTPII\n'), {
      columns: [true],
    });
    assert.deepEqual(
      rows.map((row) => [row.rowNumber, ...row.cells]),
      [
        [1, 'Client ID', null],
        [2, 'C1', null],
        [3, null, null],
      ],
    );
  });

  test('an unclosed quote names the row where it opened and never echoes the value', () => {
    const problem = problemOf(encode('a,b\n1,2\n3,"TESTPII never closed\n4,5\n'));
    assert.equal(problem.code, 'corrupt');
    assert.match(problem.message, /^Row 3 has a value that opens a quotation mark/);
    assert.doesNotMatch(problem.message, /TESTPII/);
  });

  test('empty, binary and oversized files', () => {
    assert.equal(problemOf(new Uint8Array()).code, 'empty');
    assert.equal(problemOf(new Uint8Array([0xef, 0xbb, 0xbf, 0x20, 0x0a])).code, 'empty');
    assert.equal(
      problemOf(new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01])).code,
      'notSpreadsheet',
    );
    const oversized = openCsvWorkbook.bind(null, encode('a\n1'), 'x.csv', {
      ...DEFAULT_READ_LIMITS,
      maxFileBytes: 2,
    });
    assert.throws(
      oversized,
      (error) =>
        error instanceof FileProblem &&
        error.code === 'tooLarge' &&
        /2 MB|0 MB/.test(error.message),
    );
  });

  test('agrees with papaparse on generated tables, and writeCsv round-trips them', () => {
    const field = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('a,b', 'say "x"', 'two\nlines', 'cr\r\nlf', ' spaced ', '£€'),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 15 }),
        (table) => {
          const text = writeCsv(['h1', 'h2', 'h3'], table);
          const ours = cells(read(encode(text))).map((row) => row.map((value) => value ?? ''));
          // Our rule, as Excel's: a record is blank only when every field is empty (a space is content).
          const theirs = Papa.parse<string[]>(text).data.filter((row) =>
            row.some((value) => value !== ''),
          );
          assert.deepEqual(ours, theirs);
          const nonBlank = table.filter((row) => row.some((value) => value !== ''));
          assert.deepEqual(ours.slice(1), nonBlank);
        },
      ),
      { numRuns: 200 },
    );
  });

  test('the shared fixture: 400 rows of 49 columns', () => {
    const bytes = readFileSync(
      fileURLToPath(new URL('../../../test/fixtures/example-team.csv', import.meta.url)),
    );
    const rows = read(bytes);
    assert.equal(rows.length, 401);
    assert.ok(rows.every((row) => row.cells.length === 49));
  });
});

describe('CSV writer', () => {
  test('dates as DD/MM/YYYY, booleans as Yes/No, quoting only where needed', () => {
    const row: CellValue[] = [{ kind: 'date', date: '2024-03-05' }, true, 16.5, 'a,b', null];
    assert.equal(
      writeCsv(['d', 'b', 'n', 't', 'x'], [row]),
      'd,b,n,t,x\r\n05/03/2024,Yes,16.5,"a,b",\r\n',
    );
  });

  test('neutralises cells a spreadsheet would run as formulas, when asked', () => {
    const formulas = ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)'];
    assert.equal(writeCsv(['f'], [[formulas[0] ?? '']]), 'f\r\n"=HYPERLINK(""x"")"\r\n');
    assert.equal(
      writeCsv(
        ['f'],
        formulas.map((formula) => [formula]),
        { neutraliseFormulas: true },
      ),
      `f\r\n"'=HYPERLINK(""x"")"\r\n'+1\r\n'-2\r\n'@SUM(A1)\r\n`,
    );
  });
});
