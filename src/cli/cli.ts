import { type ParseArgsConfig, parseArgs } from 'node:util';
import { formatIso, type IsoDate, isValidYmd } from '../calendar/calendar-date.ts';
import { type IngestResult, ingestFiles, type SpreadsheetFile } from '../ingest/ingest.ts';
import { computeMetrics, type EmploymentStatusFilter } from '../metrics/compute.ts';
import { deriveRecord } from '../metrics/derive.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import { DEFAULT_READ_LIMITS, type ReadLimits } from '../spreadsheet/cells.ts';
import { templateCsv, templateWorkbook } from '../spreadsheet/template/template-workbook.ts';
import { countBySeverity, describeProblem, type Problem } from '../validation/problems.ts';
import { formatMetricsTable } from './metrics-table.ts';
import { EXIT, USAGE } from './usage.ts';

/**
 * `ips-report`: check a spreadsheet, or compute its figures, without uploading it. A thin shell
 * around the core; all I/O comes through `CliIo` so tests run it in-process.
 */

export interface CliIo {
  readonly readFile: (path: string) => Uint8Array;
  readonly writeFile: (path: string, bytes: Uint8Array) => void;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly today: IsoDate;
  /** The pseudonymisation secret: figures do not depend on it, so a random one per run is fine. */
  readonly secret: string;
}

const OPTIONS = {
  json: { type: 'boolean', default: false },
  today: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
  'employment-status': { type: 'string', default: 'all' },
  'max-file-mb': { type: 'string' },
  'max-rows': { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsConfig['options'];

class UsageError extends Error {}

const EMPLOYMENT_STATUS_FILTERS: readonly EmploymentStatusFilter[] = [
  'all',
  'out-of-work',
  'in-work',
];

export function runCli(argv: readonly string[], io: CliIo): number {
  try {
    return runCommand(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    throw error;
  }
}

function runCommand(argv: readonly string[], io: CliIo): number {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  const [command, ...paths] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(`${USAGE}\n`);
    return command === undefined && !values.help ? EXIT.usage : EXIT.ok;
  }
  if (command === 'template') return writeTemplate(paths, io);
  if (command !== 'validate' && command !== 'metrics') {
    throw new UsageError(`Unknown command '${command}'.`);
  }
  if (paths.length === 0) throw new UsageError('Name at least one spreadsheet file (XLSX or CSV).');

  const today = values.today === undefined ? io.today : dateOption('--today', values.today);
  const limits = readLimits(values['max-file-mb'], values['max-rows']);
  const files = paths.map((path) => readSpreadsheet(path, io));
  // No service's list is known here: referral sources are checked against it at upload.
  const result = ingestFiles(files, {
    clientKeyOf: clientKeyHasher(io.secret),
    today,
    limits,
    referralSources: null,
  });

  if (command === 'validate') {
    io.stdout(
      values.json ? `${JSON.stringify(validationJson(result), null, 2)}\n` : validationText(result),
    );
    return result.hasErrors ? EXIT.problems : EXIT.ok;
  }

  if (values.from === undefined || values.to === undefined) {
    throw new UsageError(
      'metrics needs --from and --to, for example --from 2024-04-01 --to 2025-03-31.',
    );
  }
  const from = dateOption('--from', values.from);
  const to = dateOption('--to', values.to);
  if (from > to) throw new UsageError(`--from (${from}) is after --to (${to}).`);
  const employmentStatus = values['employment-status'];
  if (!isEmploymentStatusFilter(employmentStatus)) {
    throw new UsageError(
      `--employment-status must be one of: ${EMPLOYMENT_STATUS_FILTERS.join(', ')}.`,
    );
  }
  if (result.hasErrors) {
    // Figures from a spreadsheet with errors would be wrong: show the errors, compute nothing.
    io.stderr(validationText(result));
    return EXIT.problems;
  }
  const derived = result.records.map(({ record }) => deriveRecord(record));
  const metrics = computeMetrics(derived, { from, to, today, employmentStatus });
  io.stdout(
    values.json
      ? `${JSON.stringify(metrics, null, 2)}\n`
      : formatMetricsTable(metrics, employmentStatus),
  );
  return EXIT.ok;
}

/** The standard spreadsheet template, generated from the column registry. */
function writeTemplate(paths: readonly string[], io: CliIo): number {
  const [path, ...extra] = paths;
  if (path === undefined || extra.length > 0 || !/\.(xlsx|csv)$/i.test(path)) {
    throw new UsageError('template needs one file to write, ending .xlsx or .csv.');
  }
  const csv = /\.csv$/i.test(path);
  io.writeFile(path, csv ? new TextEncoder().encode(templateCsv()) : templateWorkbook());
  io.stdout(`Wrote the standard spreadsheet template${csv ? ' (headings only)' : ''} to ${path}\n`);
  return EXIT.ok;
}

function isEmploymentStatusFilter(value: string): value is EmploymentStatusFilter {
  return (EMPLOYMENT_STATUS_FILTERS as readonly string[]).includes(value);
}

function dateOption(name: string, value: string): IsoDate {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [year, month, day] = match
    ? [Number(match[1]), Number(match[2]), Number(match[3])]
    : [0, 0, 0];
  if (!match || !isValidYmd(year, month, day)) {
    throw new UsageError(
      `${name} must be a date written YYYY-MM-DD, for example 2025-03-31; got '${value}'.`,
    );
  }
  return formatIso(year, month, day);
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0)
    throw new UsageError(`${name} must be a whole number above 0.`);
  return number;
}

function readLimits(maxFileMb: string | undefined, maxRows: string | undefined): ReadLimits {
  return {
    ...DEFAULT_READ_LIMITS,
    ...(maxFileMb !== undefined
      ? { maxFileBytes: positiveInteger('--max-file-mb', maxFileMb) * 1024 * 1024 }
      : {}),
    ...(maxRows !== undefined ? { maxRows: positiveInteger('--max-rows', maxRows) } : {}),
  };
}

function readSpreadsheet(path: string, io: CliIo): SpreadsheetFile {
  try {
    return { name: path.split(/[/\\]/).pop() ?? path, bytes: io.readFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'there is no such file'
        : code === 'EISDIR'
          ? 'it is a folder'
          : 'it cannot be opened';
    throw new UsageError(`Cannot read '${path}': ${reason}.`);
  }
}

function validationJson(result: IngestResult) {
  return {
    valid: !result.hasErrors,
    files: result.files,
    records: result.records.length,
    specialists: result.specialists,
    errors: result.problems.filter((found) => found.severity === 'error'),
    warnings: result.problems.filter((found) => found.severity === 'warning'),
  };
}

function validationText(result: IngestResult): string {
  const lines: string[] = [];
  for (const file of result.files) {
    lines.push(
      file.sheet === null
        ? `${file.file}: not read`
        : `${file.file}: sheet '${file.sheet}', ${file.dataRows} row${file.dataRows === 1 ? '' : 's'} of data`,
    );
    if (file.columnsNotRead.length > 0)
      lines.push(`  Columns not read: ${file.columnsNotRead.join(', ')}`);
  }
  lines.push(
    "  Referral sources are not checked here: the upload checks them against the service's list.",
  );
  const { errors, warnings } = countBySeverity(result.problems);
  const section = (title: string, problems: readonly Problem[]) => {
    if (problems.length === 0) return;
    lines.push('', `${title}:`);
    for (const found of problems) lines.push(`  ${describeProblem(found)}`);
  };
  section(
    'Errors (nothing can be uploaded until these are fixed)',
    result.problems.filter((found) => found.severity === 'error'),
  );
  section(
    'Warnings (the data can still be uploaded)',
    result.problems.filter((found) => found.severity === 'warning'),
  );
  lines.push(
    '',
    errors === 0
      ? `No errors: ${result.records.length} referral${result.records.length === 1 ? '' : 's'} ready to upload, ${warnings} warning${warnings === 1 ? '' : 's'}.`
      : `${errors} error${errors === 1 ? '' : 's'} and ${warnings} warning${warnings === 1 ? '' : 's'}.`,
  );
  return `${lines.join('\n')}\n`;
}
