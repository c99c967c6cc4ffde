import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import Papa from 'papaparse';
import readXlsxFile from 'read-excel-file/node';
import { ingestFiles } from '../src/ingest/ingest.ts';
import { computeMetrics } from '../src/metrics/compute.ts';
import { type DerivedRecord, deriveRecord } from '../src/metrics/derive.ts';
import { clientKeyHasher } from '../src/referrals/pseudonymise.ts';
import { ALL_COLUMNS, DEFAULT_READ_LIMITS, type ReadLimits } from '../src/spreadsheet/cells.ts';
import { openCsvWorkbook } from '../src/spreadsheet/csv/csv-reader.ts';
import { openXlsxWorkbook } from '../src/spreadsheet/xlsx/xlsx-reader.ts';
import { checkThenStore, httpJourneys } from './upload-tasks.ts';

/**
 * One measured task in a fresh process (so peak memory is the task's own): reads the file into
 * memory untimed, then times the task and prints { ms, rows, peakRssMb } as JSON.
 */

const [task, path] = process.argv.slice(2);
if (task === undefined || path === undefined) throw new Error('usage: ingest-task TASK FILE');
const bytes = readFileSync(path);
const name = path.split('/').pop() ?? path;
/** bench:ingest names its files by their rows: referrals-2000.xlsx. */
const rowsInName = Number(/-(\d+)\./.exec(name)?.[1] ?? 0);
const today = '2025-11-20';
// Generated files carry every optional column, so they are larger than most real ones: the
// benchmark measures speed, not the upload limit.
const limits: ReadLimits = { ...DEFAULT_READ_LIMITS, maxFileBytes: 512 * 1024 * 1024 };

function countRows(rows: Iterable<unknown>): number {
  let count = 0;
  for (const _ of rows) count++;
  return count;
}

/** Read + validate + pseudonymise + derive: everything an upload does before saving. */
function ingestAndDerive(): DerivedRecord[] {
  const result = ingestFiles([{ name, bytes }], {
    clientKeyOf: clientKeyHasher('benchmark-secret'),
    today,
    limits,
  });
  if (result.hasErrors) throw new Error('the generated file has errors');
  return result.records.map(({ record }) => deriveRecord(record));
}

/** A task's rows; a journey task also its first run and every run, in this process. */
type TaskResult = number | { rows: number; firstMs: number; runsMs: number[] };

const tasks: Record<string, () => TaskResult | Promise<TaskResult>> = {
  'read-excel-file': async () => ((await readXlsxFile(bytes))[0]?.data.length ?? 0) - 1,
  'own-xlsx-reader': () =>
    countRows(openXlsxWorkbook(bytes, limits).sheets[0]?.rows(ALL_COLUMNS) ?? []) - 1,
  papaparse: () => Papa.parse(new TextDecoder().decode(bytes)).data.length - 1,
  // The mode docs/DESIGN.md's reference figure used: the file streamed in 64 KB chunks.
  'papaparse-streamed': () =>
    new Promise<number>((resolve) => {
      let rows = 0;
      const chunks = Array.from({ length: Math.ceil(bytes.length / 65_536) }, (_, index) =>
        bytes.subarray(index * 65_536, (index + 1) * 65_536),
      );
      Papa.parse(Readable.from(chunks) as unknown as File, {
        step: () => {
          rows++;
        },
        complete: () => resolve(rows - 1),
      });
    }),
  'own-csv-reader': () =>
    countRows(openCsvWorkbook(bytes, name, limits).sheets[0]?.rows(ALL_COLUMNS) ?? []) - 1,
  ingest: () => ingestAndDerive().length,
  'store-pglite': () => checkThenStore('pglite', { name, bytes }),
  'store-postgres': () => checkThenStore('postgres', { name, bytes }),
  'http-journey-pglite': () => httpJourneys('pglite', bytes, rowsInName),
  'http-journey-postgres': () => httpJourneys('postgres', bytes, rowsInName),
  'end-to-end': () => {
    const derived = ingestAndDerive();
    computeMetrics(derived, {
      from: '2024-04-01',
      to: '2025-03-31',
      today,
      employmentStatus: 'all',
    });
    return derived.length;
  },
};

const run = tasks[task];
if (!run) throw new Error(`unknown task ${task}`);
const started = performance.now();
const result = await run();
const ms = performance.now() - started;
const peakRssMb = process.resourceUsage().maxRSS / 1024;
// A journey is timed inside: its median run, with the first (cold) one beside it.
const measured =
  typeof result === 'number'
    ? { ms, rows: result }
    : {
        ms: [...result.runsMs].sort((a, b) => a - b)[Math.floor((result.runsMs.length - 1) / 2)],
        rows: result.rows,
        firstMs: result.firstMs,
      };
process.stdout.write(`${JSON.stringify({ ...measured, peakRssMb })}\n`);
