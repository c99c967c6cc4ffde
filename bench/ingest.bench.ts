import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { writeCsv } from '../src/spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';

/**
 * npm run bench:ingest — generates 2 000- and 100 000-row standard spreadsheets (XLSX with real
 * date cells, and CSV), then times in one run, each task in a fresh process: the peer libraries'
 * bare reads, this project's bare readers, the full ingest (read + validate + pseudonymise +
 * derive), ingest + store as the upload API does it (worker pool, compare, save) on PGlite and on
 * PostgreSQL, the web journey through HTTP (upload page, POST, check page, Confirm, done page; the
 * first after the server starts and the median of five more), and the whole `ips-report metrics`
 * command. Ratios are to the fastest bare reader of each format measured in the same run.
 * BENCH_RUNS (default 3) sets how many times each task runs; PostgreSQL is BENCH_POSTGRES_URL or
 * DATABASE_URL (a schema of its own, dropped after).
 */

const outFolder = fileURLToPath(new URL('./out/', import.meta.url));
const taskScript = fileURLToPath(new URL('./ingest-task.ts', import.meta.url));
const cli = fileURLToPath(new URL('../bin/ips-report.js', import.meta.url));
const TODAY = '2025-11-20';
mkdirSync(outFolder, { recursive: true });
// The command-line tool runs the compiled code: build it if a source is newer.
execFileSync(
  process.execPath,
  [fileURLToPath(new URL('../scripts/build.mjs', import.meta.url)), '--if-needed'],
  {
    stdio: 'inherit',
  },
);

function generate(rows: number): { xlsx: string; csv: string } {
  const xlsx = `${outFolder}referrals-${rows}.xlsx`;
  const csv = `${outFolder}referrals-${rows}.csv`;
  const forXlsx = generateReferralRows({ rows, seed: rows, today: TODAY });
  writeFileSync(
    xlsx,
    writeXlsx([{ name: 'Referrals', rows: [forXlsx.headings, ...forXlsx.rows] }], {
      boldFirstRow: true,
    }),
  );
  const forCsv = generateReferralRows({ rows, seed: rows, today: TODAY });
  writeFileSync(csv, writeCsv(forCsv.headings, forCsv.rows));
  return { xlsx, csv };
}

interface Measurement {
  readonly ms: number;
  readonly rows: number;
  readonly peakRssMb: number;
  /** A journey's first run after its server started (the task's `ms` is its median). */
  readonly firstMs?: number;
}

/**
 * Each task is run RUNS times, each in a fresh process, and the run with the median time is
 * reported: on a shared 2-core machine one run of a peer or of this project can be a third slower
 * than the next, which would make a ratio of two single runs say more about the machine.
 */
const RUNS = Math.max(1, Math.trunc(Number(process.env.BENCH_RUNS ?? 3)) || 1);

function measureOnce(task: string, file: string): Measurement {
  const output = execFileSync(process.execPath, ['--import', 'tsx', taskScript, task, file], {
    encoding: 'utf8',
  });
  return JSON.parse(output) as Measurement;
}

/** The median run, with every run's time. */
interface MedianMeasurement extends Measurement {
  readonly allMs: readonly number[];
}

function measure(task: string, file: string): MedianMeasurement {
  const measurements = Array.from({ length: RUNS }, () => measureOnce(task, file)).sort(
    (a, b) => a.ms - b.ms,
  );
  const median = measurements[Math.floor((measurements.length - 1) / 2)] as Measurement;
  return { ...median, allMs: measurements.map(({ ms }) => ms) };
}

const megabytes = (file: string) => (statSync(file).size / (1024 * 1024)).toFixed(1);
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log('Generating files…');
const small = generate(2_000);
const large = generate(100_000);
console.log(
  `  100 000 rows: XLSX ${megabytes(large.xlsx)} MB, CSV ${megabytes(large.csv)} MB; 2 000 rows: XLSX ${megabytes(small.xlsx)} MB`,
);

const results = new Map<string, MedianMeasurement>();
/** PostgreSQL for the storing tasks: BENCH_POSTGRES_URL or DATABASE_URL; without one, skipped. */
const postgres = Boolean(process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL);
const runs: ReadonlyArray<readonly [string, string, string]> = [
  ['read-excel-file bare read, 100 000-row XLSX', 'read-excel-file', large.xlsx],
  ['own XLSX reader bare read, 100 000-row XLSX', 'own-xlsx-reader', large.xlsx],
  ['full ingest, 100 000-row XLSX', 'ingest', large.xlsx],
  ['papaparse bare parse, 100 000-row CSV', 'papaparse', large.csv],
  ['papaparse streamed parse, 100 000-row CSV', 'papaparse-streamed', large.csv],
  ['own CSV reader bare read, 100 000-row CSV', 'own-csv-reader', large.csv],
  ['full ingest, 100 000-row CSV', 'ingest', large.csv],
  ['ingest + store on PGlite, 100 000-row XLSX', 'store-pglite', large.xlsx],
  ...(postgres
    ? ([['ingest + store on PostgreSQL, 100 000-row XLSX', 'store-postgres', large.xlsx]] as const)
    : []),
  ['HTTP journey on PGlite, 2 000-row XLSX', 'http-journey-pglite', small.xlsx],
  ...(postgres
    ? ([
        ['HTTP journey on PostgreSQL, 2 000-row XLSX', 'http-journey-postgres', small.xlsx],
      ] as const)
    : []),
  ['end to end in-process, 2 000-row XLSX', 'end-to-end', small.xlsx],
];
if (!postgres)
  console.log('No BENCH_POSTGRES_URL or DATABASE_URL: the PostgreSQL tasks are left out.');
console.log('');
for (const [label, task, file] of runs) {
  const measurement = measure(task, file);
  results.set(label, measurement);
  const rate = Math.round(measurement.rows / (measurement.ms / 1000)).toLocaleString('en-GB');
  const spread = measurement.allMs.map((ms) => (ms / 1000).toFixed(2)).join(' ');
  const first =
    measurement.firstMs === undefined ? '' : `  first after start ${seconds(measurement.firstMs)}`;
  console.log(
    `${label.padEnd(46)} ${seconds(measurement.ms).padStart(8)}  ${rate.padStart(9)} rows/s  peak ${Math.round(measurement.peakRssMb)} MB  (runs: ${spread})${first}`,
  );
}

/** The whole command a person runs, Node's start included, each run a fresh process. */
function cliRuns(file: string): number[] {
  return Array.from({ length: RUNS }, () => {
    const start = performance.now();
    execFileSync(process.execPath, [
      cli,
      'metrics',
      file,
      '--from',
      '2024-04-01',
      '--to',
      '2025-03-31',
      '--today',
      TODAY,
      '--json',
    ]);
    return performance.now() - start;
  }).sort((a, b) => a - b);
}
const median = (sorted: readonly number[]) => sorted[Math.floor((sorted.length - 1) / 2)] ?? NaN;
const cliSmall = cliRuns(small.xlsx);
const cliLarge = cliRuns(large.xlsx);
for (const [label, sorted] of [
  ['ips-report metrics, 2 000-row XLSX', cliSmall],
  ['ips-report metrics, 100 000-row XLSX', cliLarge],
] as const) {
  console.log(
    `${`${label} (whole command)`.padEnd(46)} ${seconds(median(sorted)).padStart(8)}  (runs: ${sorted.map((ms) => (ms / 1000).toFixed(2)).join(' ')})`,
  );
}

const time = (label: string) => results.get(label)?.ms ?? Number.NaN;
/** The fastest of the bare readers of a format, measured in this run: the baseline to beat. */
function fastest(labels: readonly string[]): { label: string; ms: number } {
  const [best] = labels.map((label) => ({ label, ms: time(label) })).sort((a, b) => a.ms - b.ms);
  return best ?? { label: '', ms: Number.NaN };
}
const fastestXlsx = fastest([
  'read-excel-file bare read, 100 000-row XLSX',
  'own XLSX reader bare read, 100 000-row XLSX',
]);
const fastestCsv = fastest([
  'papaparse bare parse, 100 000-row CSV',
  'papaparse streamed parse, 100 000-row CSV',
  'own CSV reader bare read, 100 000-row CSV',
]);
console.log(`\nFastest bare readers: ${fastestXlsx.label}; ${fastestCsv.label}.`);
const byFastest = (label: string, base: { ms: number }) => time(label) / base.ms;
const journeyTargets = [
  ['HTTP journey on PGlite, 2 000-row XLSX', 'PGlite'],
  ['HTTP journey on PostgreSQL, 2 000-row XLSX', 'PostgreSQL'],
].flatMap(([label = '', engine]): Array<[string, number, string, boolean]> => {
  const measured = results.get(label);
  if (measured === undefined) return [];
  const worst = Math.max(measured.ms, measured.firstMs ?? 0) / 1000;
  return [[`2 000-row HTTP journey, ${engine}, s (first or median)`, worst, '< 1', worst < 1]];
});
const storeTargets = [
  ['ingest + store on PGlite, 100 000-row XLSX', 'PGlite'],
  ['ingest + store on PostgreSQL, 100 000-row XLSX', 'PostgreSQL'],
].flatMap(([label = '', engine]): Array<[string, number, string, boolean]> => {
  if (!results.has(label)) return [];
  const ratio = byFastest(label, fastestXlsx);
  return [[`XLSX ingest + store (${engine}) ÷ fastest bare read`, ratio, '≤ 3', ratio <= 3]];
});
const xlsxRatio = byFastest('full ingest, 100 000-row XLSX', fastestXlsx);
const csvRatio = byFastest('full ingest, 100 000-row CSV', fastestCsv);
const targets: Array<[string, number, string, boolean]> = [
  ['XLSX ingest ÷ fastest bare XLSX read', xlsxRatio, '≤ 1.5', xlsxRatio <= 1.5],
  ['CSV ingest ÷ fastest bare CSV read', csvRatio, '≤ 1.5', csvRatio <= 1.5],
  ...storeTargets,
  ...journeyTargets,
  [
    '2 000 rows, whole ips-report command, s',
    median(cliSmall) / 1000,
    '< 1',
    median(cliSmall) < 1000,
  ],
  [
    'peak memory of 100 000-row XLSX ingest, MB',
    results.get('full ingest, 100 000-row XLSX')?.peakRssMb ?? Number.NaN,
    '≤ 500',
    (results.get('full ingest, 100 000-row XLSX')?.peakRssMb ?? Number.POSITIVE_INFINITY) <= 500,
  ],
];
console.log(`\nTargets (ratios of the median of ${RUNS} runs each, from this run):`);
for (const [label, value, target, met] of targets) {
  console.log(
    `  ${label.padEnd(52)} ${value.toFixed(2).padStart(8)}  target ${target.padEnd(6)} ${met ? 'met' : 'NOT MET'}`,
  );
}
writeFileSync(
  `${outFolder}ingest.json`,
  `${JSON.stringify({ results: Object.fromEntries(results), cliSmall, cliLarge }, null, 2)}\n`,
);
