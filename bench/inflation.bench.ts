import { strToU8, zipSync } from 'fflate';
import type { CellValue } from '../src/spreadsheet/cells.ts';
import { writeCsv } from '../src/spreadsheet/csv/csv-writer.ts';
import { templateWorkbook } from '../src/spreadsheet/template/template-workbook.ts';
import { columnLetters, writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { ZipArchive } from '../src/spreadsheet/xlsx/zip-archive.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';

/**
 * What real uploads inflate to: the figures the inflation limits in src/spreadsheet/cells.ts are
 * set from (docs/SPREADSHEET.md, "Limits"). Run `node --import tsx bench/inflation.bench.ts`
 * (about a minute). A 200 000-row standard spreadsheet (the most rows a file may have) with every
 * optional column filled, written with shared strings (as Excel writes it) and with inline
 * strings, and as CSV; then the most compressible real files: the blank template, and a sheet of
 * styled empty cells (what Excel writes when a range is formatted). For each XLSX part:
 * compressed and uncompressed size and the compression ratio. BENCH_ROWS changes the rows.
 */

const ROWS = Math.max(1, Math.trunc(Number(process.env.BENCH_ROWS ?? 200_000)) || 200_000);
const TODAY = '2025-11-20';
const MB = 1024 * 1024;
const megabytes = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`.padStart(9);

/**
 * The generator leaves some optional cells blank, as services do; the largest case has none, so
 * each blank takes the last value its column held (the right type, a realistic length).
 */
function everyColumnFilled(rows: Iterable<CellValue[]>): Iterable<CellValue[]> {
  return {
    *[Symbol.iterator]() {
      const last: CellValue[] = [];
      for (const row of rows) {
        yield row.map((cell, column) => {
          if (cell !== null) last[column] = cell;
          return cell ?? last[column] ?? null;
        });
      }
    },
  };
}

function report(label: string, bytes: Uint8Array): void {
  const archive = new ZipArchive(bytes, {
    maxCompressionRatio: Number.POSITIVE_INFINITY,
    budgets: [],
  });
  let inflated = 0;
  console.log(`${label}: file ${megabytes(bytes.length)}`);
  for (const [path, entry] of archive.entries) {
    let size = 0;
    for (const chunk of archive.inflate(entry, Number.POSITIVE_INFINITY)) size += chunk.length;
    inflated += size;
    const ratio = entry.compressedSize === 0 ? 0 : size / entry.compressedSize;
    console.log(
      `  ${path.padEnd(28)} ${megabytes(entry.compressedSize)} -> ${megabytes(size)}  ratio ${ratio.toFixed(1).padStart(5)}x`,
    );
  }
  console.log(
    `  ${'all parts'.padEnd(28)} ${megabytes(bytes.length)} -> ${megabytes(inflated)}  ratio ${(inflated / bytes.length).toFixed(1).padStart(5)}x\n`,
  );
}

/** 20 000 rows by the template's 75 columns of empty cells carrying a style, as Excel saves them. */
function styledEmptyCells(): Uint8Array {
  const rows: string[] = [];
  for (let row = 2; row <= 20_001; row++) {
    let cells = '';
    for (let column = 0; column < 75; column++)
      cells += `<c r="${columnLetters(column)}${row}" s="1"/>`;
    rows.push(`<row r="${row}" spans="1:75" x14ac:dyDescent="0.25">${cells}</row>`);
  }
  return zipSync(
    {
      'xl/worksheets/sheet1.xml': strToU8(
        `<worksheet><sheetData>${rows.join('')}</sheetData></worksheet>`,
      ),
    },
    { level: 6 },
  );
}

const generated = generateReferralRows({ rows: ROWS, seed: ROWS, today: TODAY });
const rows = everyColumnFilled(generated.rows);
console.log(
  `${ROWS.toLocaleString('en-GB')} rows, ${generated.headings.length} columns, every optional column filled\n`,
);
for (const stringMode of ['shared', 'inline'] as const) {
  report(
    `XLSX, ${stringMode} strings`,
    writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...rows] }], {
      boldFirstRow: true,
      stringMode,
    }),
  );
}
console.log(`CSV: file ${megabytes(writeCsv(generated.headings, rows).length)}\n`);
report('The blank template', templateWorkbook());
report('20 000 rows of styled empty cells', styledEmptyCells());
