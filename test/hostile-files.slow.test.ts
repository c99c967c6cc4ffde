import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { ingestFiles } from '../src/ingest/ingest.ts';
import { writeCsv } from '../src/spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';

/**
 * Hostile and malformed uploads, generated: truncated and corrupt zips, zip bombs, XML entity
 * expansion, a million columns, 10 MB cells, invalid UTF-8, UTF-16, formulas, hidden sheets,
 * dates as numbers of every kind, mixed line endings, stray quotes. Every one must end in records
 * or specific problems: no exception, no hang, bounded memory. `npm run test:fuzz` runs 10 000.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 200);
/** Per file: generous for a 2-core machine, far below a hang. */
const TIME_LIMIT_MS = 8000;
/** Growth while reading one file (the limits cap what is decompressed at 50 MB a part). */
const MEMORY_LIMIT_BYTES = 500 * 1024 * 1024;

const generated = generateReferralRows({ rows: 12, seed: 5, today: '2026-05-31' });
const goodRows = [...generated.rows];
const goodCsv = writeCsv(generated.headings, goodRows);
const goodXlsx = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...goodRows] }]);

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** A workbook assembled by hand, so each part can be hostile. */
function workbook(
  sheets: Record<string, string>,
  extra: Record<string, Uint8Array> = {},
): Uint8Array {
  const names = Object.keys(sheets);
  return zipSync({
    '[Content_Types].xml': strToU8(
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`,
    ),
    '_rels/.rels': strToU8(
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    ),
    'xl/workbook.xml': strToU8(
      `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>${names.map((name, index) => `<sheet name="${name}" sheetId="${index + 1}"${name.startsWith('hidden') ? ' state="hidden"' : ''} r:id="rId${index + 1}"/>`).join('')}</sheets></workbook>`,
    ),
    'xl/_rels/workbook.xml.rels': strToU8(
      `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${names.map((_name, index) => `<Relationship Id="rId${index + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`).join('')}</Relationships>`,
    ),
    ...Object.fromEntries(
      Object.values(sheets).map((xml, index) => [
        `xl/worksheets/sheet${index + 1}.xml`,
        strToU8(xml),
      ]),
    ),
    ...extra,
  });
}

const sheetXml = (rows: string) =>
  `${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><sheetData>${rows}</sheetData></worksheet>`;
const inlineRow = (number: number, cells: readonly string[]) =>
  `<row r="${number}">${cells.map((cell, index) => `<c r="${String.fromCharCode(65 + (index % 26))}${number}" t="inlineStr"><is><t>${cell}</t></is></c>`).join('')}</row>`;
const headingRow = inlineRow(1, ['Client ID', 'Employment specialist initials', 'Referral date']);

type Hostile = {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly [fc.toStringMethod]: () => string;
};
const file = (name: string, bytes: Uint8Array | string): Hostile => {
  const content = typeof bytes === 'string' ? strToU8(bytes) : bytes;
  // A failing case is reported by name and size, not as megabytes of bytes.
  return { name, bytes: content, [fc.toStringMethod]: () => `${name} (${content.length} bytes)` };
};

/** Each kind of hostile file, from a few generated numbers. */
const hostileFile: fc.Arbitrary<Hostile> = fc.oneof(
  // Truncated or corrupted copies of a good workbook or CSV.
  fc
    .tuple(fc.constantFrom(goodXlsx, strToU8(goodCsv)), fc.nat(), fc.boolean())
    .map(([good, cut, isXlsx]) =>
      file(isXlsx ? 'cut.xlsx' : 'cut.csv', good.subarray(0, cut % good.length)),
    ),
  fc
    .tuple(
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), {
        minLength: 1,
        maxLength: 40,
      }),
    )
    .map(([flips]) => {
      const bytes = Uint8Array.from(goodXlsx);
      for (const [at, value] of flips) bytes[at % bytes.length] = value;
      return file('flipped.xlsx', bytes);
    }),
  // A zip bomb: one sheet that inflates far past the limit.
  fc
    .integer({ min: 60, max: 200 })
    .map((megabytes) =>
      file(
        'bomb.xlsx',
        workbook(
          { Referrals: sheetXml(headingRow) },
          { 'xl/sharedStrings.xml': new Uint8Array(megabytes * 1024 * 1024) },
        ),
      ),
    ),
  // XML entity expansion ("billion laughs") in the sheet.
  fc.integer({ min: 2, max: 12 }).map((depth) => {
    const entities = Array.from(
      { length: depth },
      (_, level) => `<!ENTITY e${level + 1} "${level === 0 ? 'lol' : `&e${level};`.repeat(10)}">`,
    ).join('');
    return file(
      'entities.xlsx',
      workbook({
        Referrals: `${XML_HEAD}<!DOCTYPE worksheet [${entities}]><worksheet xmlns="${MAIN_NS}"><sheetData>${inlineRow(1, [`&e${depth};`])}</sheetData></worksheet>`,
      }),
    );
  }),
  // A million columns, or one cell of 10 MB.
  fc.constant(file('wide.csv', `${'Client ID,'.repeat(1_000_000)}\n1\n`)),
  fc.constantFrom('csv', 'xlsx').map((kind) => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    return kind === 'csv'
      ? file(
          'huge-cell.csv',
          `Client ID,Employment specialist initials,Referral date\n${huge},AB,01/02/2024\n`,
        )
      : file(
          'huge-cell.xlsx',
          workbook({ Referrals: sheetXml(headingRow + inlineRow(2, [huge, 'AB', '01/02/2024'])) }),
        );
  }),
  // Text encodings: invalid UTF-8, UTF-16 with and without its mark.
  fc.uint8Array({ minLength: 1, maxLength: 2000 }).map((noise) => {
    const bytes = new Uint8Array([...strToU8(goodCsv.slice(0, 300)), ...noise, 0xff, 0xfe, 0xc3]);
    return file('noise.csv', bytes);
  }),
  fc.boolean().map((mark) => {
    const text = goodCsv.slice(0, 2000);
    const bytes = new Uint8Array((mark ? 2 : 0) + text.length * 2);
    if (mark) bytes.set([0xff, 0xfe]);
    for (let index = 0; index < text.length; index++) {
      bytes[(mark ? 2 : 0) + index * 2] = text.charCodeAt(index) & 0xff;
      bytes[(mark ? 2 : 0) + index * 2 + 1] = text.charCodeAt(index) >> 8;
    }
    return file('utf16.csv', bytes);
  }),
  // Formulas, in CSV text and as XLSX formula cells; hidden sheets.
  fc
    .constantFrom("=cmd|' /C calc'!A0", '+SUM(1,2)', '-2+3', '@HYPERLINK("x")')
    .map((formula) =>
      file(
        'formula.csv',
        `Client ID,Employment specialist initials,Referral date\n${formula},AB,01/02/2024\n`,
      ),
    ),
  fc.constant(
    file(
      'formula-cells.xlsx',
      workbook({
        hiddenFirst: sheetXml(headingRow),
        Referrals: sheetXml(
          `${headingRow}<row r="2"><c r="A2" t="str"><f>CONCAT("C","1")</f><v>C1</v></c><c r="B2" t="inlineStr"><is><t>AB</t></is></c><c r="C2"><f>DATE(2024,2,1)</f></c></row>`,
        ),
      }),
    ),
  ),
  // Dates as numbers of every kind.
  fc
    .constantFrom('0', '-1', '60', '2958466', '2958465.99999', '1e308', 'NaN', '45000.5', '-0')
    .map((serial) =>
      file(
        'serials.xlsx',
        workbook({
          Referrals: sheetXml(
            `${headingRow}<row r="2"><c r="A2" t="inlineStr"><is><t>C1</t></is></c><c r="B2" t="inlineStr"><is><t>AB</t></is></c><c r="C2"><v>${serial}</v></c></row>`,
          ),
        }),
      ),
    ),
  // CSV line endings mixed, quotes left open or doubled, delimiters in odd places.
  fc
    .array(
      fc.constantFrom('\r\n', '\n', '\r', '"', '""', ',', ';', '\t', 'AB', '01/02/2024', 'C1', ' '),
      {
        maxLength: 200,
      },
    )
    .map((pieces) =>
      file(
        'mixed.csv',
        `Client ID,Employment specialist initials,Referral date\r\n${pieces.join('')}`,
      ),
    ),
);

describe('hostile files', () => {
  test(`${RUNS} generated hostile files: records or specific problems, no crash, no hang, bounded memory`, () => {
    let tried = 0;
    fc.assert(
      fc.property(hostileFile, (hostile) => {
        tried++;
        const memoryBefore = process.memoryUsage().rss;
        const started = performance.now();
        const result = ingestFiles([hostile], {
          clientKeyOf: (id) => `key-${id.length}`,
          today: '2026-06-01',
        });
        const elapsed = performance.now() - started;
        assert.ok(elapsed < TIME_LIMIT_MS, `${hostile.name} took ${Math.round(elapsed)} ms`);
        const grown = process.memoryUsage().rss - memoryBefore;
        assert.ok(
          grown < MEMORY_LIMIT_BYTES,
          `${hostile.name}: memory grew ${Math.round(grown / 1e6)} MB`,
        );
        for (const problem of result.problems) {
          assert.ok(problem.code.length > 0 && problem.description.length > 0, hostile.name);
          assert.doesNotMatch(
            problem.description,
            /\n\s+at |Error:|undefined|\[object/,
            hostile.name,
          );
        }
        assert.ok(
          result.records.length > 0 || result.problems.length > 0,
          `${hostile.name}: no answer`,
        );
      }),
      {
        numRuns: RUNS,
        seed: Number(process.env.FUZZ_SEED ?? 20261130),
        // FUZZ_PATH replays one failing case, as fast-check reports it ("path").
        ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
      },
    );
    process.stdout.write(`# hostile files tried: ${tried}, crashes: 0\n`);
  });
});
