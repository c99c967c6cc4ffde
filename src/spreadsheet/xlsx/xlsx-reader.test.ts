import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { readSheet } from 'read-excel-file/node';
import { bombWorkbook, handMadeWorkbook } from '../../../test/support/hostile-workbooks.ts';
import { formatIso } from '../../calendar/calendar-date.ts';
import { generateReferralRows } from '../../synthetic/referral-rows.ts';
import {
  ALL_COLUMNS,
  type CellValue,
  DEFAULT_READ_LIMITS,
  FileProblem,
  RATIO_CHECKED_FROM_BYTES,
  type ReadLimits,
  type WorkbookSource,
} from '../cells.ts';
import { openXlsxWorkbook } from './xlsx-reader.ts';
import { excelSheetNames, type WritableCell, writeXlsx } from './xlsx-writer.ts';

/** The first sheet's non-blank rows as read by this reader, trailing blanks trimmed. */
function ownRows(bytes: Uint8Array, limits: ReadLimits = DEFAULT_READ_LIMITS): CellValue[][] {
  const sheet = openXlsxWorkbook(bytes, limits).sheets[0];
  assert.ok(sheet);
  return [...sheet.rows(ALL_COLUMNS)].map((row) => trimRow([...row.cells]));
}

/** The same from read-excel-file, dates mapped to calendar dates by their UTC parts. */
async function peerRows(bytes: Uint8Array): Promise<CellValue[][]> {
  const rows = await readSheet(Buffer.from(bytes), 1, { trim: false });
  return rows
    .map((row) =>
      trimRow(
        row.map((value): CellValue => {
          if (value instanceof Date) {
            return {
              kind: 'date',
              date: formatIso(value.getUTCFullYear(), value.getUTCMonth() + 1, value.getUTCDate()),
            };
          }
          return value === '' ? null : (value as CellValue);
        }),
      ),
    )
    .filter((row) => row.length > 0);
}

function trimRow(row: CellValue[]): CellValue[] {
  let end = row.length;
  while (end > 0 && row[end - 1] === null) end--;
  return row.slice(0, end);
}

const fixture = fileURLToPath(new URL('../../../test/fixtures/example-team.xlsx', import.meta.url));

describe('XLSX reader agrees with read-excel-file cell for cell', () => {
  test('on the shared fixture (date cells and text dates)', async () => {
    const bytes = readFileSync(fixture);
    const own = ownRows(bytes);
    assert.equal(own.length, 401);
    assert.deepEqual(own, await peerRows(bytes));
  });

  const dateArbitrary = fc
    .date({
      min: new Date(Date.UTC(1904, 0, 2)),
      max: new Date(Date.UTC(2099, 11, 31)),
      noInvalidDate: true,
    })
    .map(
      (date): CellValue => ({
        kind: 'date',
        date: formatIso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()),
      }),
    );
  const textArbitrary = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.constantFrom(
      '  padded  ',
      'A & B <c> "d" \'e\'',
      'Jobseeker’s Allowance',
      'line\nbreak',
      '£ é ü 😀',
      '_x0041_',
    ),
  );
  const cellArbitrary: fc.Arbitrary<WritableCell> = fc.oneof(
    { weight: 2, arbitrary: fc.constant(null) },
    { weight: 3, arbitrary: textArbitrary },
    { weight: 2, arbitrary: fc.integer({ min: -1e6, max: 1e6 }) },
    {
      weight: 1,
      arbitrary: fc
        .double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true })
        .filter((value) => !Object.is(value, -0)),
    },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 2, arbitrary: dateArbitrary },
    {
      weight: 1,
      arbitrary: fc
        .array(
          textArbitrary.filter((text) => text !== ''),
          { minLength: 1, maxLength: 3 },
        )
        .map((runs) => ({ richText: runs })),
    },
  );

  test('on generated workbooks: shared, inline and rich strings, 1900 and 1904 dates, styles', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cellArbitrary, { maxLength: 10 }), { minLength: 1, maxLength: 25 }),
        fc.constantFrom<'shared' | 'inline'>('shared', 'inline'),
        fc.boolean(),
        async (rows, stringMode, date1904) => {
          const bytes = writeXlsx([{ name: 'Generated', rows: [['Heading'], ...rows] }], {
            stringMode,
            date1904,
            boldFirstRow: true,
          });
          assert.deepEqual(ownRows(bytes), await peerRows(bytes));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('XLSX reader on XML other writers produce', () => {
  const styles =
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts><numFmt numFmtId="165" formatCode="[Red]0.00;&quot;minus&quot;0.00"/><numFmt numFmtId="166" formatCode="d\\-mmm\\-yy;@"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="165"/><xf numFmtId="166"/><xf numFmtId="14"/></cellXfs></styleSheet>';

  test('namespace prefixes, cells and rows without references, every cell type, phonetic runs', async () => {
    const sheet = `<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>
      <x:row><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c><x:c t="inlineStr"><x:is><x:r><x:t>in</x:t></x:r><x:r><x:t xml:space="preserve"> line</x:t></x:r></x:is></x:c></x:row>
      <x:row r="3"><x:c r="B3" s="1"><x:v>12.5</x:v></x:c><x:c r="D3" s="2"><x:v>45352</x:v></x:c><x:c s="3"><x:v>45352.75</x:v></x:c><x:c t="b"><x:v>1</x:v></x:c><x:c t="e"><x:v>#N/A</x:v></x:c><x:c t="str"><x:f>A1</x:f><x:v>&#x41;&amp;B</x:v></x:c><x:c t="d"><x:v>2024-03-05T00:00:00</x:v></x:c></x:row>
      <x:row r="4"><x:c r="A4"/></x:row>
    </x:sheetData></x:worksheet>`;
    const sharedStrings =
      '<x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:si><x:t>Client ID</x:t></x:si><x:si><x:r><x:t>Ka</x:t></x:r><x:r><x:t>nji</x:t></x:r><x:rPh sb="0" eb="1"><x:t>KANA</x:t></x:rPh></x:si></x:sst>';
    const workbook = openXlsxWorkbook(
      handMadeWorkbook(sheet, {
        sharedStrings,
        styles: styles
          .replaceAll('<', '<x:')
          .replaceAll('<x:/', '</x:')
          .replace('<x:styleSheet xmlns', '<x:styleSheet xmlns:x'),
      }),
      DEFAULT_READ_LIMITS,
    );
    assert.equal(workbook.sheets[0]?.name, 'Hand & made');
    const rows = [...(workbook.sheets[0]?.rows(ALL_COLUMNS) ?? [])];
    assert.deepEqual(
      rows.map((row) => row.rowNumber),
      [1, 3],
    );
    assert.deepEqual(rows[0]?.cells, ['Client ID', 'Kanji', 'in line']);
    assert.deepEqual(rows[1]?.cells, [
      null,
      12.5,
      null,
      { kind: 'date', date: '2024-03-01' },
      { kind: 'date', date: '2024-03-01' },
      true,
      '#N/A',
      'A&B',
      { kind: 'date', date: '2024-03-05' },
    ]);
  });

  test('a 1904 workbook counts dates from 1904', () => {
    const sheet =
      '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" s="3"><v>0</v></c><c r="B1" s="3"><v>43890</v></c></row></sheetData></worksheet>';
    const rows = ownRows(
      handMadeWorkbook(sheet, { styles, workbookPr: '<workbookPr date1904="1"/>' }),
    );
    assert.deepEqual(rows, [
      [
        { kind: 'date', date: '1904-01-01' },
        { kind: 'date', date: '2024-03-01' },
      ],
    ]);
  });

  test('a switched-off column is left null, but its row still counts as having data', () => {
    const bytes = writeXlsx([
      {
        name: 'S',
        rows: [
          ['Client ID', 'Surname'],
          ['C1', 'TESTPII'],
          [null, 'TESTPII only'],
        ],
      },
    ]);
    const sheet = openXlsxWorkbook(bytes, DEFAULT_READ_LIMITS).sheets[0];
    const rows = [...(sheet?.rows({ columns: [true] }) ?? [])];
    assert.deepEqual(
      rows.map((row) => [row.rowNumber, ...row.cells]),
      [[1, 'Client ID'], [2, 'C1'], [3]],
    );
  });
});

describe('XLSX reader refuses unsafe or unreadable files with a specific problem', () => {
  const problemCode = (bytes: Uint8Array, limits: ReadLimits = DEFAULT_READ_LIMITS): string => {
    try {
      const workbook: WorkbookSource = openXlsxWorkbook(bytes, limits);
      for (const sheet of workbook.sheets) for (const _ of sheet.rows(ALL_COLUMNS));
      return 'read';
    } catch (error) {
      assert.ok(error instanceof FileProblem, String(error));
      assert.doesNotMatch(error.message, /TESTPII/);
      return error.code;
    }
  };
  const valid = writeXlsx([{ name: 'S', rows: [['Client ID'], ['TESTPII']] }]);

  test('empty, not a zip, truncated', () => {
    assert.equal(problemCode(new Uint8Array()), 'empty');
    assert.equal(problemCode(strToU8('just some text')), 'notSpreadsheet');
    assert.equal(problemCode(valid.subarray(0, valid.length - 30)), 'corrupt');
    assert.equal(problemCode(readFileSync(fixture).subarray(0, 40_000)), 'corrupt');
  });

  test('an OpenDocument spreadsheet is refused by name; another ZIP as not a workbook', () => {
    const refusal = (bytes: Uint8Array) => {
      try {
        openXlsxWorkbook(bytes, DEFAULT_READ_LIMITS);
        return 'read';
      } catch (error) {
        assert.ok(error instanceof FileProblem);
        return error.message;
      }
    };
    // As LibreOffice writes it: "mimetype" first and stored, then the content.
    const ods = zipSync({
      mimetype: [strToU8('application/vnd.oasis.opendocument.spreadsheet'), { level: 0 }],
      'content.xml': strToU8('<office:document-content/>'),
      'META-INF/manifest.xml': strToU8('<manifest:manifest/>'),
    });
    assert.match(
      refusal(ods),
      /^This is an OpenDocument spreadsheet \(\.ods\).*Save it as an Excel workbook \(\.xlsx\) or as CSV/,
    );
    const otherZip = zipSync({ 'notes.txt': strToU8('hello') });
    assert.match(refusal(otherZip), /ZIP archive but not an Excel workbook/);
  });

  test('over the size limit', () => {
    assert.equal(problemCode(valid, { ...DEFAULT_READ_LIMITS, maxFileBytes: 100 }), 'tooLarge');
  });

  test('encrypted workbooks and old .xls files (OLE compound files)', () => {
    const ole = new Uint8Array(2048);
    ole.set([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    assert.equal(problemCode(ole), 'legacyXls');
    ole.set(Buffer.from('EncryptionInfo', 'utf16le'), 1024);
    assert.equal(problemCode(ole), 'encrypted');
  });

  test('a ZIP entry flagged as encrypted', () => {
    const flagged = new Uint8Array(valid);
    const view = new DataView(flagged.buffer);
    for (let offset = 0; offset < flagged.length - 4; offset++) {
      if (view.getUint32(offset, true) === 0x02014b50)
        view.setUint16(offset + 8, view.getUint16(offset + 8, true) | 1, true);
    }
    assert.equal(problemCode(flagged), 'encrypted');
  });

  test('a DOCTYPE (entity expansion) in any part', () => {
    const sheet =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>&b;</t></is></c></row></sheetData></worksheet>';
    assert.equal(problemCode(handMadeWorkbook(sheet)), 'unsafeXml');
  });

  test('a zip bomb stops at the decompressed-size cap of a part, and of the file', () => {
    const huge = `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>${' '.repeat(5_000_000)}</t></is></c></row></sheetData></worksheet>`;
    const bytes = handMadeWorkbook(huge);
    assert.ok(bytes.length < 100_000);
    const noRatioCap = { ...DEFAULT_READ_LIMITS, maxCompressionRatio: Number.POSITIVE_INFINITY };
    assert.equal(
      problemCode(bytes, { ...noRatioCap, maxDecompressedBytes: 1_000_000 }),
      'decompressedTooLarge',
    );
    assert.equal(problemCode(bytes, noRatioCap), 'read');

    // Two sheets each within the part cap, more than the file's cap together.
    const rows = Array.from({ length: 10_000 }, (_, index): WritableCell[] => [`C${index}`, index]);
    const twoSheets = writeXlsx([
      { name: 'A', rows },
      { name: 'B', rows },
    ]);
    const parts = Object.values(unzipSync(twoSheets));
    const sheetBytes = Math.max(...parts.map((part) => part.length));
    const allBytes = parts.reduce((total, part) => total + part.length, 0);
    const fileCap = {
      ...noRatioCap,
      maxDecompressedBytes: sheetBytes,
      maxDecompressedFileBytes: allBytes - sheetBytes / 2,
    };
    const workbook = openXlsxWorkbook(twoSheets, fileCap);
    assert.equal([...(workbook.sheets[0]?.rows(ALL_COLUMNS) ?? [])].length, 10_000);
    assert.throws(
      () => [...(workbook.sheets[1]?.rows(ALL_COLUMNS) ?? [])],
      (error: unknown) =>
        error instanceof FileProblem &&
        error.code === 'decompressedTooLarge' &&
        /expands to more than \d+ MB in all/.test(error.message),
    );
  });

  test('a part inflating far more than real sheets do is refused by its ratio, before any row', () => {
    const rowXml = '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c></row>';
    const bomb = handMadeWorkbook(
      `<worksheet><sheetData>${rowXml.repeat(200_000)}</sheetData></worksheet>`,
    );
    const sheet = openXlsxWorkbook(bomb, DEFAULT_READ_LIMITS).sheets[0];
    assert.ok(sheet);
    let rowsRead = 0;
    assert.throws(
      () => {
        for (const _ of sheet.rows(ALL_COLUMNS)) rowsRead++;
      },
      (error: unknown) =>
        error instanceof FileProblem &&
        error.code === 'compressionRatioTooHigh' &&
        error.message.includes(`more than ${DEFAULT_READ_LIMITS.maxCompressionRatio} times`),
    );
    assert.equal(rowsRead, 0);
  });

  test('a 990 MB bomb in a 3 MB file is refused at once, and without the ratio cap at the part cap', () => {
    const bomb = bombWorkbook(990);
    assert.ok(bomb.length < 4 * 1024 * 1024);
    // Refused by its ratio, after inflating a megabyte or so: before, it took 113 s to pass the cap.
    assert.equal(problemCode(bomb), 'compressionRatioTooHigh');
    assert.equal(
      problemCode(bomb, {
        ...DEFAULT_READ_LIMITS,
        maxCompressionRatio: Number.POSITIVE_INFINITY,
        maxDecompressedBytes: 32 * 1024 * 1024,
      }),
      'decompressedTooLarge',
    );
  });

  test('real sheets, with shared or inline strings, are well inside the ratio cap', () => {
    const generated = generateReferralRows({ rows: 2_000, seed: 7, today: '2025-11-20' });
    for (const stringMode of ['shared', 'inline'] as const) {
      const bytes = writeXlsx(
        [{ name: 'Referrals', rows: [generated.headings, ...generated.rows] }],
        {
          stringMode,
        },
      );
      const inflated = Object.values(unzipSync(bytes)).reduce(
        (total, part) => total + part.length,
        0,
      );
      // Past the floor, so the ratio is checked; the measured 8 to 14 leaves the cap far above.
      assert.ok(inflated > RATIO_CHECKED_FROM_BYTES);
      assert.ok(inflated / bytes.length < DEFAULT_READ_LIMITS.maxCompressionRatio / 4, stringMode);
      assert.equal(problemCode(bytes), 'read');
    }
  });

  test('random bytes after a ZIP signature never escape as anything but a FileProblem', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 400 }), (noise) => {
        const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...noise]);
        assert.notEqual(problemCode(bytes), 'read');
      }),
      { numRuns: 200 },
    );
  });
});

describe('sheet names for Excel', () => {
  test('no forbidden characters, at most 31 characters, none twice whatever the case', () => {
    const names = excelSheetNames([
      'Referrals: cumulative by month',
      'Job starts: cumulative by month and more',
      'Job starts: cumulative by month and less',
      "'Quoted' [draft] a/b?*\\c",
      'referrals - cumulative by month',
      '',
    ]);
    assert.deepEqual(names, [
      'Referrals - cumulative by month',
      'Job starts - cumulative by mont',
      'Job starts - cumulative by (2)',
      "Quoted' -draft- a-b---c",
      'referrals - cumulative by m (2)',
      'Sheet',
    ]);
    for (const name of names) {
      assert.ok(name.length <= 31 && !/[:\\/?*[\]]/.test(name), name);
    }
  });
});
