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
  type SheetSource,
} from '../cells.ts';
import { COLUMNS } from '../registry.ts';
import { openCsvWorkbook } from './csv-reader.ts';
import { writeCsv } from './csv-writer.ts';

const encode = (text: string) => new TextEncoder().encode(text);
function sheetOf(bytes: Uint8Array): SheetSource {
  const workbook = openCsvWorkbook(bytes, 'team.csv', DEFAULT_READ_LIMITS);
  assert.equal(workbook.sheets.length, 1);
  const sheet = workbook.sheets[0];
  assert.ok(sheet);
  return sheet;
}
function read(bytes: Uint8Array, selection: ColumnSelection = ALL_COLUMNS): SheetRow[] {
  return [...sheetOf(bytes).rows(selection)];
}
const cells = (rows: SheetRow[]) => rows.map((row) => row.cells);
const rowNumbers = (rows: SheetRow[]) => rows.map((row) => row.rowNumber);
function problemOf(
  bytes: Uint8Array,
  maxFileBytes = DEFAULT_READ_LIMITS.maxFileBytes,
): FileProblem {
  try {
    const sheet = openCsvWorkbook(bytes, 'team.csv', { ...DEFAULT_READ_LIMITS, maxFileBytes })
      .sheets[0];
    if (sheet) for (const _ of sheet.rows(ALL_COLUMNS));
  } catch (error) {
    assert.ok(error instanceof FileProblem);
    return error;
  }
  assert.fail('expected a FileProblem');
}

describe('CSV reader', () => {
  test('one sheet named after the file', () => {
    const workbook = openCsvWorkbook(encode('a\n1\n'), 'North team.csv', DEFAULT_READ_LIMITS);
    assert.deepEqual(
      workbook.sheets.map((sheet) => sheet.name),
      ['North team.csv'],
    );
  });

  test('quoted fields with commas, doubled quotes and line breaks count as one row each', () => {
    const rows = read(
      encode(
        'Client ID,Comments,Gender\r\nC1,"one, two","say ""hi""\nthere"\r\nC2,"a\r\nb\rc",Male\r\nC3,x,y\r\n',
      ),
    );
    assert.deepEqual(cells(rows), [
      ['Client ID', 'Comments', 'Gender'],
      ['C1', 'one, two', 'say "hi"\nthere'],
      ['C2', 'a\r\nb\rc', 'Male'],
      ['C3', 'x', 'y'],
    ]);
    assert.deepEqual(rowNumbers(rows), [1, 2, 3, 4]);
  });

  test('LF, CR and CRLF line ends, a last line without one, and blank records skipped but counted', () => {
    const rows = read(encode('a,b\n1,2\r3,4\r\n,,\n\n"",\r\n5,6'));
    assert.deepEqual(cells(rows), [
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    assert.deepEqual(rowNumbers(rows), [1, 2, 3, 7]);
  });

  test('values are text exactly as written: no trimming, no numbers or dates; empty is null', () => {
    assert.deepEqual(cells(read(encode('a,b,c,d,e\n 16 ,05/03/2024,0012,"",TRUE\n')))[1], [
      ' 16 ',
      '05/03/2024',
      '0012',
      null,
      'TRUE',
    ]);
  });

  test('a separator at the end of a line or of the file ends a blank last field', () => {
    assert.deepEqual(cells(read(encode('a,b,\n1,2,\n3,4,'))), [
      ['a', 'b', null],
      ['1', '2', null],
      ['3', '4', null],
    ]);
  });

  test('text between a closing quote and the separator is kept, as spreadsheet programs do', () => {
    assert.deepEqual(cells(read(encode('a,b\n"x"y,"p""q"\n')))[1], ['xy', 'p"q']);
  });

  test('rows() starts again from the first row each time', () => {
    const sheet = sheetOf(encode('a,b\n1,2\n3,4\n'));
    const first = [...sheet.rows(ALL_COLUMNS)];
    const again = sheet.rows(ALL_COLUMNS)[Symbol.iterator]();
    assert.deepEqual(again.next().value, first[0]);
    assert.deepEqual([...sheet.rows(ALL_COLUMNS)], first);
  });

  test('a UTF-8 byte-order mark is dropped and UTF-8 text is read as UTF-8', () => {
    const rows = read(
      new Uint8Array([0xef, 0xbb, 0xbf, ...encode('Client ID,Town\r\nC1,Créteil ’£')]),
    );
    assert.deepEqual(cells(rows), [
      ['Client ID', 'Town'],
      ['C1', 'Créteil ’£'],
    ]);
  });

  test('Windows-1252 from Excel is decoded: ’ £ é and the whole 0x80–0x9F block', () => {
    const bytes = new Uint8Array([
      ...encode('Benefits,Town\r\nJobseeker'),
      0x92,
      ...encode('s Allowance,'),
      0xa3,
      0xe9,
    ]);
    assert.deepEqual(cells(read(bytes))[1], ['Jobseeker’s Allowance', '£é']);
    // Every byte but the CSV syntax ones, quoted and not: Latin-1 but for the 0x80–0x9F block.
    const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
    const syntax = new Set([0x00, 0x0a, 0x0d, 0x22, 0x2c]);
    const everyByte = Array.from({ length: 256 }, (_, byte) => byte).filter(
      (byte) => !syntax.has(byte),
    );
    const expected = everyByte
      .map((byte) => (byte >= 0x80 && byte < 0xa0 ? high[byte - 0x80] : String.fromCharCode(byte)))
      .join('');
    const block = new Uint8Array([
      ...encode('x,y\n'),
      ...everyByte,
      0x2c,
      0x22,
      ...everyByte,
      0x22,
    ]);
    assert.deepEqual(cells(read(block))[1], [expected, expected]);
  });

  test('UTF-8 characters are decoded in every kind of field, read or skipped', () => {
    const text =
      'Client ID,Surname,Town,Notes\nC1,Ó Súilleabháin,Łódź,"Siobhán ""Shiv""\n– 20 £"\nC2,"Nowak, Ł",Zürich€x,’\n';
    assert.deepEqual(cells(read(encode(text))).slice(1), [
      ['C1', 'Ó Súilleabháin', 'Łódź', 'Siobhán "Shiv"\n– 20 £'],
      ['C2', 'Nowak, Ł', 'Zürich€x', '’'],
    ]);
    assert.deepEqual(cells(read(encode(text), { columns: [true, false, true, true] })).slice(1), [
      ['C1', null, 'Łódź', 'Siobhán "Shiv"\n– 20 £'],
      ['C2', null, 'Zürich€x', '’'],
    ]);
  });

  test('a UTF-8 byte-order mark means UTF-8 even if a stray byte is not', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encode('a,b\n£,x'), 0xa3]);
    assert.deepEqual(cells(read(bytes))[1], ['£', 'x\ufffd']);
  });

  test('UTF-16 "Unicode text", little- and big-endian, with its byte-order mark', () => {
    const text = 'Client ID,Town\r\nC1,Zürich\r\n';
    const littleEndian = Buffer.from(text, 'utf16le');
    const bigEndian = Buffer.from(littleEndian).swap16();
    for (const bytes of [
      new Uint8Array([0xff, 0xfe, ...littleEndian]),
      new Uint8Array([0xfe, 0xff, ...bigEndian]),
    ]) {
      assert.deepEqual(cells(read(bytes)), [
        ['Client ID', 'Town'],
        ['C1', 'Zürich'],
      ]);
    }
  });

  test('semicolon- and tab-separated exports are recognised from the heading line', () => {
    assert.deepEqual(cells(read(encode('Client ID;Gender\n"C;1";Female,x\n'))), [
      ['Client ID', 'Gender'],
      ['C;1', 'Female,x'],
    ]);
    assert.deepEqual(cells(read(encode('Client ID\tGender\r\nC1\t"a\tb"\r\n'))), [
      ['Client ID', 'Gender'],
      ['C1', 'a\tb'],
    ]);
    assert.deepEqual(cells(read(encode('Client ID\nC1;C2\n'))), [['Client ID'], ['C1;C2']]);
    // The separator the heading line uses most: a heading with a comma does not outvote them.
    assert.deepEqual(cells(read(encode('Client ID;Gender, as recorded;Hours\nC1;Female;37,5\n'))), [
      ['Client ID', 'Gender, as recorded', 'Hours'],
      ['C1', 'Female', '37,5'],
    ]);
    assert.deepEqual(cells(read(encode('"A;B",Gender\nC1,Female\n'))), [
      ['A;B', 'Gender'],
      ['C1', 'Female'],
    ]);
  });

  test('a semicolon-separated file writes its numbers with a decimal comma; others do not', () => {
    assert.equal(sheetOf(encode('Client ID;Gender\nC1;Female\n')).decimalComma, true);
    assert.equal(sheetOf(encode('Client ID,Gender\nC1,Female\n')).decimalComma, false);
    assert.equal(sheetOf(encode('Client ID\tGender\nC1\tFemale\n')).decimalComma, false);
  });

  test('a switched-off column is scanned past and left null; a row with data only there still counts', () => {
    const rows = read(
      encode('Client ID,Surname,Gender\nC1,"TESTPII, ""quoted""\nline",Male\n,TESTPII,\n,"",\n'),
      { columns: [true, false, true] },
    );
    assert.deepEqual(
      rows.map((row) => [row.rowNumber, ...row.cells]),
      [
        [1, 'Client ID', null, 'Gender'],
        [2, 'C1', null, 'Male'],
        [3, null, null, null],
      ],
    );
  });

  test('the selection can be narrowed after the heading row, as the ingest does', () => {
    const selection: { columns: readonly boolean[] | null } = { columns: null };
    const seen: CellValue[][] = [];
    for (const row of sheetOf(encode('Client ID,Surname\nC1,TESTPII\nC2,TESTPII\n')).rows(
      selection,
    )) {
      seen.push([...row.cells]);
      selection.columns = [true, false];
    }
    assert.deepEqual(seen, [
      ['Client ID', 'Surname'],
      ['C1', null],
      ['C2', null],
    ]);
  });

  test('an unclosed quote names the row where it opened and never echoes the value', () => {
    const problem = problemOf(encode('a,b\n"1\n2",2\n3,"TESTPII never closed\n4,5\n'));
    assert.equal(problem.code, 'corrupt');
    assert.match(problem.message, /^Row 3 has a value that opens a quotation mark/);
    assert.doesNotMatch(problem.message, /TESTPII/);
  });

  test('empty files: no bytes, or only a byte-order mark and white space', () => {
    for (const bytes of [
      new Uint8Array(),
      new Uint8Array([0xef, 0xbb, 0xbf]),
      new Uint8Array([0xef, 0xbb, 0xbf, 0x20, 0x0d, 0x0a, 0x09]),
      new Uint8Array([0xff, 0xfe, 0x0a, 0x00]),
    ]) {
      const problem = problemOf(bytes);
      assert.equal(problem.code, 'empty');
      assert.equal(problem.message, 'The file is empty.');
    }
  });

  test('binary files are not CSV: NUL bytes, a ZIP (XLSX) or an OLE (old .xls) signature', () => {
    for (const bytes of [
      new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]),
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x06]),
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0x3e]),
      new Uint8Array([...encode('a,b\n'.repeat(500)), 0x00]),
    ]) {
      const problem = problemOf(bytes);
      assert.equal(problem.code, 'notSpreadsheet');
      assert.match(problem.message, /^This file is not a CSV file/);
    }
  });

  test('a file over the size limit is refused, saying the limit in MB', () => {
    const megabyte = 1024 * 1024;
    const problem = problemOf(encode(`a\n${'1\n'.repeat(megabyte / 2)}`), megabyte);
    assert.equal(problem.code, 'tooLarge');
    assert.match(problem.message, /larger than the 1 MB limit/);
    const atTheLimit = encode(`a\n${'1\n'.repeat(megabyte / 2 - 1)}`);
    assert.equal(atTheLimit.length, megabyte);
    const sheet = openCsvWorkbook(atTheLimit, 'team.csv', {
      ...DEFAULT_READ_LIMITS,
      maxFileBytes: megabyte,
    }).sheets[0];
    assert.equal([...(sheet?.rows(ALL_COLUMNS) ?? [])].length, megabyte / 2);
  });

  test('agrees with papaparse field for field on generated tables, in every quoting and line-end style', () => {
    const awkward = fc.string({
      unit: fc.constantFrom('a', 'Z', '1', ' ', ',', '"', '\r', '\n', ';', '\t', 'é', '’', '£'),
      maxLength: 10,
    });
    const field = fc.oneof(awkward, fc.string({ unit: 'grapheme', maxLength: 6 }));
    const table = fc.integer({ min: 1, max: 5 }).chain((width) =>
      fc.record({
        rows: fc.array(fc.array(field, { minLength: width, maxLength: width }), {
          maxLength: 12,
        }),
        quoteAlways: fc.array(fc.boolean(), { minLength: width, maxLength: width }),
        mask: fc.array(fc.boolean(), { minLength: width, maxLength: width }),
        lineEnd: fc.constantFrom('\r\n', '\n', '\r'),
        finalLineEnd: fc.boolean(),
      }),
    );
    fc.assert(
      fc.property(table, ({ rows, quoteAlways, mask, lineEnd, finalLineEnd }) => {
        const headings = quoteAlways.map((_, index) => `h${index + 1}`);
        const lines = [headings, ...rows].map((values) =>
          values
            .map((value, index) =>
              quoteAlways[index] || /[",\r\n]/.test(value)
                ? `"${value.replace(/"/g, '""')}"`
                : value,
            )
            .join(','),
        );
        const text = lines.join(lineEnd) + (finalLineEnd ? lineEnd : '');
        const theirs = Papa.parse<string[]>(text, { delimiter: ',', newline: lineEnd }).data;
        // Our rule, as Excel's: a record is blank only when every field is empty (a space is content).
        const nonBlank = theirs.filter((record) => record.some((value) => value !== ''));
        const ours = read(encode(text));
        assert.deepEqual(
          cells(ours).map((record) => record.map((value) => value ?? '')),
          nonBlank,
        );
        assert.deepEqual(
          cells(read(encode(text), { columns: mask })),
          nonBlank.map((record) =>
            record.map((value, index) => (mask[index] && value !== '' ? value : null)),
          ),
        );
        // Row numbers are record numbers: the heading is 1 and blank records still count.
        const expectedNumbers = theirs
          .map((record, index) => (record.some((value) => value !== '') ? index + 1 : 0))
          .filter((rowNumber) => rowNumber > 0);
        assert.deepEqual(rowNumbers(ours), expectedNumbers);
      }),
      { numRuns: 300 },
    );
  });

  test('reads back what writeCsv writes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 8 }), { minLength: 3, maxLength: 3 }), {
          minLength: 1,
          maxLength: 10,
        }),
        (table) => {
          const ours = cells(read(encode(writeCsv(['h1', 'h2', 'h3'], table))));
          const nonBlank = table.filter((row) => row.some((value) => value !== ''));
          assert.deepEqual(
            ours.slice(1),
            nonBlank.map((row) => row.map((value) => (value === '' ? null : value))),
          );
        },
      ),
      { numRuns: 100 },
    );
  });

  test('the shared fixture: 400 rows of 49 columns; never-read columns never become strings', () => {
    const bytes = readFileSync(
      fileURLToPath(new URL('../../../test/fixtures/example-team.csv', import.meta.url)),
    );
    const rows = read(bytes);
    assert.equal(rows.length, 401);
    assert.deepEqual(rowNumbers(rows).slice(0, 3), [1, 2, 3]);
    assert.equal(rows.at(-1)?.rowNumber, 401);
    assert.ok(rows.every((row) => row.cells.length === 49));
    assert.ok(rows.some((row) => row.cells.some((value) => String(value).includes('TESTPII'))));

    const headings = rows[0]?.cells ?? [];
    const neverRead = new Set(
      COLUMNS.filter((column) => column.requirement === 'N').map((column) => column.heading),
    );
    const selection = { columns: headings.map((heading) => !neverRead.has(String(heading))) };
    const masked = read(bytes, selection);
    assert.equal(masked.length, 401);
    for (const row of masked.slice(1)) {
      assert.ok(row.cells.every((value) => !String(value).includes('TESTPII')));
      assert.ok(row.cells[0] !== null, 'the client ID is read');
    }
  });
});

describe('CSV writer', () => {
  test('dates as DD/MM/YYYY, booleans as Yes/No, quoting only where needed, CRLF', () => {
    const row: CellValue[] = [
      { kind: 'date', date: '2024-03-05' },
      true,
      false,
      16.5,
      'a,b',
      'say "hi"',
      'two\nlines',
      null,
    ];
    assert.equal(
      writeCsv(['d', 'b', 'c', 'n', 't', 'q', 'l', 'x'], [row]),
      'd,b,c,n,t,q,l,x\r\n05/03/2024,Yes,No,16.5,"a,b","say ""hi""","two\nlines",\r\n',
    );
  });

  test('neutralises cells a spreadsheet would run as formulas, only when asked', () => {
    const formulas = ['=HYPERLINK("x")', '+1', '-2', '@SUM(A1)', 'plain'];
    const rows = formulas.map((formula) => [formula]);
    assert.equal(
      writeCsv(['f'], rows),
      'f\r\n"=HYPERLINK(""x"")"\r\n+1\r\n-2\r\n@SUM(A1)\r\nplain\r\n',
    );
    assert.equal(
      writeCsv(['f'], rows, { neutraliseFormulas: true }),
      `f\r\n"'=HYPERLINK(""x"")"\r\n'+1\r\n'-2\r\n'@SUM(A1)\r\nplain\r\n`,
    );
    // Numbers are numbers, not formulas: a negative number stays as written.
    assert.equal(writeCsv(['n'], [[-2]], { neutraliseFormulas: true }), 'n\r\n-2\r\n');
  });
});
