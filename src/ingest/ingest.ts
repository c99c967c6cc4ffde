import type { IsoDate } from '../calendar/calendar-date.ts';
import type { ClientKeyOf } from '../referrals/pseudonymise.ts';
import type { ReferralKey, ReferralRecord } from '../referrals/referral-record.ts';
import {
  type CellValue,
  DEFAULT_READ_LIMITS,
  FileProblem,
  type InflationBudget,
  type ReadLimits,
  type SheetRow,
  type SheetSource,
  uploadInflationBudget,
} from '../spreadsheet/cells.ts';
import { repairImportDamage } from '../spreadsheet/import-damage.ts';
import { NO_REFERRAL_SOURCES, type ReferralSourceList } from '../spreadsheet/referral-sources.ts';
import { isReadColumn } from '../spreadsheet/registry.ts';
import { TEMPLATE_SHEETS } from '../spreadsheet/template/template-sheets.ts';
import { isBlank } from '../validation/cell-values.ts';
import { matchHeadings, scoreHeadingRow } from '../validation/headings.ts';
import { type Problem, type ProblemCode, problem } from '../validation/problems.ts';
import { type PlannedColumn, RowValidator } from '../validation/row-validator.ts';
import { shownLabel } from '../validation/shown-text.ts';
import { openWorkbook } from './open-workbook.ts';

/**
 * The upload pipeline without I/O: files (bytes) in; pseudonymised records, problems and a summary
 * of each file out. Everything in one upload is checked together, so duplicates are found across
 * its files. Nothing here stores anything: callers save only when there are no errors.
 */

export interface SpreadsheetFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface IngestOptions {
  readonly clientKeyOf: ClientKeyOf;
  /** For "date in the future" warnings. */
  readonly today: IsoDate;
  readonly limits?: ReadLimits;
  /** The team's specialists so far; initials not among them are reported as new. */
  readonly knownSpecialists?: ReadonlySet<string>;
  /**
   * The service's referral sources; left out, an empty list, so every source is not on it. Null
   * when no service's list is known (the command-line tool): the column is neither checked nor kept.
   */
  readonly referralSources?: ReferralSourceList | null;
  /** Told where a long upload has got to, for its progress page; every few thousand rows. */
  readonly onProgress?: (progress: IngestProgress) => void;
}

/** Reading: opening a file; checking: its rows, `rowsDone` counting every file's so far. */
export interface IngestProgress {
  readonly stage: 'reading' | 'checking';
  readonly rowsDone: number;
}

/** How many rows between progress reports: often enough to move, rare enough to cost nothing. */
const ROWS_PER_PROGRESS = 2_000;

export interface IngestedRecord {
  readonly record: ReferralRecord;
  readonly file: string;
  readonly row: number;
}

export interface FileSummary {
  readonly file: string;
  /** The sheet read, or null when none could be. */
  readonly sheet: string | null;
  readonly dataRows: number;
  /** Headings in the file that the tool does not know, so did not read. */
  readonly columnsNotRead: readonly string[];
  readonly sheetsIgnored: readonly string[];
}

export interface IngestResult {
  readonly records: readonly IngestedRecord[];
  readonly problems: readonly Problem[];
  readonly files: readonly FileSummary[];
  /** Every specialist's initials in the upload, in order of first appearance. */
  readonly specialists: readonly string[];
  /** Initials not in `knownSpecialists` (empty when that was not given). */
  readonly newSpecialists: readonly string[];
  readonly hasErrors: boolean;
}

/** Rows searched for the heading row (services sometimes put a title above it). */
const HEADING_ROW_SEARCH = 10;

export function ingestFiles(
  files: readonly SpreadsheetFile[],
  options: IngestOptions,
): IngestResult {
  const problems: Problem[] = [];
  const records: IngestedRecord[] = [];
  const seenKeys = new ReferralKeys();
  /** Each client's first referral in the active caseload today, in the upload. */
  const firstOpenReferral = new Map<string, { file: string; row: number }>();
  const firstRowOfSpecialist = new Map<string, { file: string; sheet: string; row: number }>();
  const summaries: FileSummary[] = [];
  let rowsDone = 0;
  // One budget for the whole upload: ten files each just under the per-file cap are refused too.
  const inflation = uploadInflationBudget(options.limits ?? DEFAULT_READ_LIMITS);

  for (const file of files) {
    options.onProgress?.({ stage: 'reading', rowsDone });
    summaries.push(
      ingestFile(file, options, inflation, problems, (key, record, sheet, row) => {
        rowsDone++;
        if (rowsDone % ROWS_PER_PROGRESS === 0)
          options.onProgress?.({ stage: 'checking', rowsDone });
        const first = seenKeys.holderOf(key.clientKey, {
          file: file.name,
          row,
          referralDate: key.referralDate,
        });
        if (first) {
          problems.push(
            problem(
              'error',
              'duplicateKey',
              { file: file.name, sheet, row, column: null, value: null },
              `This row has the same client ID and referral date as row ${first.row}${first.file === file.name ? '' : ` of ${first.file}`}.`,
              'Each referral is one row: remove the duplicate, or correct the client ID or referral date.',
            ),
          );
          return;
        }
        if (record === null) return;
        // docs/METRICS.md's active caseload as at today: VP started, not discharged.
        const active =
          record.vpStartDate !== null &&
          record.vpStartDate <= options.today &&
          (record.dischargeDate === null || record.dischargeDate > options.today);
        if (active) {
          const open = firstOpenReferral.get(record.clientKey);
          if (open === undefined) {
            firstOpenReferral.set(record.clientKey, { file: file.name, row });
          } else {
            // docs/METRICS.md: such a client counts once in the active caseload, and the guide
            // asks for one row per current client.
            problems.push(
              problem(
                'warning',
                'clientOpenTwice',
                { file: file.name, sheet, row, column: null, value: null },
                `This row has the same client ID as row ${open.row}${open.file === file.name ? '' : ` of ${open.file}`}, and both are in the active caseload today (vocational profile started, not discharged), so the client has two open referrals. The active caseload counts the client once.`,
                'Keep one open row per current client: enter the discharge date on the referral that has ended, or correct the client ID.',
              ),
            );
          }
        }
        if (!firstRowOfSpecialist.has(record.specialist)) {
          firstRowOfSpecialist.set(record.specialist, { file: file.name, sheet, row });
        }
        records.push({ record, file: file.name, row });
      }),
    );
  }

  const newSpecialists: string[] = [];
  if (options.knownSpecialists) {
    for (const [initials, place] of firstRowOfSpecialist) {
      if (options.knownSpecialists.has(initials)) continue;
      newSpecialists.push(initials);
      problems.push(
        problem(
          'warning',
          'newSpecialist',
          { ...place, column: null, value: initials },
          `${initials} is a new employment specialist for this team.`,
          'Check the initials are right. If someone has joined the team, there is nothing to do.',
        ),
      );
    }
  }

  return {
    records: records,
    problems,
    files: summaries,
    specialists: [...firstRowOfSpecialist.keys()],
    newSpecialists,
    hasErrors: problems.some((found) => found.severity === 'error'),
  };
}

/**
 * The (client, referral date) keys seen so far in an upload, each mapped to the index of its
 * record. Most clients have one referral, so the common case is one number per client; a
 * client's further referrals go in a second map.
 */
/** Where a referral's key was first seen in the upload. */
interface KeyHolder {
  readonly file: string;
  readonly row: number;
  readonly referralDate: IsoDate;
}

class ReferralKeys {
  /** Most clients have one referral: by client first, the pair only for a second referral. */
  readonly #firstReferral = new Map<string, KeyHolder>();
  readonly #laterReferrals = new Map<string, KeyHolder>();

  /** The row already holding this key, or undefined after noting `holder` as holding it. */
  holderOf(clientKey: string, holder: KeyHolder): KeyHolder | undefined {
    const first = this.#firstReferral.get(clientKey);
    if (first === undefined) {
      this.#firstReferral.set(clientKey, holder);
      return undefined;
    }
    if (first.referralDate === holder.referralDate) return first;
    const key = `${clientKey}\u0000${holder.referralDate}`;
    const later = this.#laterReferrals.get(key);
    if (later === undefined) {
      this.#laterReferrals.set(key, holder);
      return undefined;
    }
    return later;
  }
}

/** A sheet's rows with a column mask that can be switched on once the headings are known. */
interface RowCursor {
  next(): SheetRow | undefined;
  readOnly(mask: readonly boolean[]): void;
}

function openRowCursor(sheet: SheetSource): RowCursor {
  const selection: { columns: readonly boolean[] | null } = { columns: null };
  const iterator = sheet.rows(selection)[Symbol.iterator]();
  return {
    next: () => {
      const step = iterator.next();
      return step.done ? undefined : step.value;
    },
    readOnly: (columns) => {
      selection.columns = columns;
    },
  };
}

interface SheetChoice {
  /** The first sheet with every mandatory heading, its heading row, and the rows below it. */
  readonly chosen: { sheet: SheetSource; cursor: RowCursor; headingRow: SheetRow } | null;
  /** Failing that, the sheet row most like a heading row, to say what is missing from it. */
  readonly bestCandidate: { sheet: SheetSource; headingRow: SheetRow; known: number } | null;
  readonly sheetsWithData: readonly SheetSource[];
}

/**
 * docs/SPREADSHEET.md: only the first sheet whose headings include the mandatory ones is read. The
 * heading row may sit below a title, so the first rows of each sheet are searched.
 */
function chooseSheet(sheets: readonly SheetSource[]): SheetChoice {
  let chosen: SheetChoice['chosen'] = null;
  let bestCandidate: SheetChoice['bestCandidate'] = null;
  const sheetsWithData: SheetSource[] = [];
  for (const sheet of sheets) {
    if (chosen) {
      if (openRowCursor(sheet).next() !== undefined) sheetsWithData.push(sheet);
      continue;
    }
    const cursor = openRowCursor(sheet);
    for (let searched = 0; searched < HEADING_ROW_SEARCH; searched++) {
      const row = cursor.next();
      if (row === undefined) break;
      if (searched === 0) sheetsWithData.push(sheet);
      const score = scoreHeadingRow(row.cells);
      if (score.hasMandatory) {
        chosen = { sheet, cursor, headingRow: row };
        break;
      }
      if (score.known > 0 && (bestCandidate === null || score.known > bestCandidate.known)) {
        bestCandidate = { sheet, headingRow: row, known: score.known };
      }
    }
  }
  return { chosen, bestCandidate, sheetsWithData };
}

const TEMPLATE_SIDE_SHEETS: ReadonlySet<string> = new Set([
  TEMPLATE_SHEETS.cover,
  TEMPLATE_SHEETS.lists,
]);

function ingestFile(
  file: SpreadsheetFile,
  options: IngestOptions,
  inflation: InflationBudget,
  problems: Problem[],
  /** Each row whose key could be read: with its record, or null when the row has errors. */
  onRow: (key: ReferralKey, record: ReferralRecord | null, sheet: string, row: number) => void,
): FileSummary {
  const limits = options.limits ?? DEFAULT_READ_LIMITS;
  const summary: { -readonly [K in keyof FileSummary]: FileSummary[K] } & {
    sheetsIgnored: string[];
  } = {
    file: file.name,
    sheet: null,
    dataRows: 0,
    columnsNotRead: [],
    sheetsIgnored: [],
  };
  const fileProblem = (code: ProblemCode, sheet: string | null, description: string, fix: string) =>
    problems.push(
      problem(
        'error',
        code,
        { file: file.name, sheet, row: null, column: null, value: null },
        description,
        fix,
      ),
    );

  try {
    const workbook = openWorkbook(file.name, file.bytes, limits, inflation);
    const { chosen, bestCandidate, sheetsWithData } = chooseSheet(workbook.sheets);
    for (const sheet of sheetsWithData) {
      if (sheet === chosen?.sheet) continue;
      summary.sheetsIgnored.push(sheet.name);
      // The template's own cover and lists sheets are expected beside the data: no warning.
      if (!chosen || TEMPLATE_SIDE_SHEETS.has(sheet.name)) continue;
      const ignored = shownLabel(sheet.name);
      problems.push(
        problem(
          'warning',
          'sheetIgnored',
          { file: file.name, sheet: ignored, row: null, column: null, value: null },
          `The sheet '${ignored}' was not read: only the first sheet with the standard headings is read (here '${shownLabel(chosen.sheet.name)}').`,
          'If that sheet holds referrals, move them onto the first sheet or upload it as a separate file.',
        ),
      );
    }

    if (!chosen) {
      if (bestCandidate) {
        reportHeadingProblems(
          file.name,
          bestCandidate.sheet.name,
          bestCandidate.headingRow.cells,
          problems,
        );
      } else if (sheetsWithData.length === 0) {
        fileProblem(
          'noDataRows',
          null,
          'The file has no data in it.',
          'Check you chose the right file.',
        );
      } else {
        fileProblem(
          'noQualifyingSheet',
          null,
          'None of the sheets has the standard headings (Client ID, Employment specialist initials, Referral date).',
          'Use the standard spreadsheet template, with its heading row, and upload again.',
        );
      }
      return summary;
    }

    const sheetName = chosen.sheet.name;
    summary.sheet = sheetName;
    const { plan, columnsNotRead, hasHeadingErrors } = reportHeadingProblems(
      file.name,
      sheetName,
      chosen.headingRow.cells,
      problems,
    );
    summary.columnsNotRead = columnsNotRead;
    if (hasHeadingErrors) return summary;

    const mask: boolean[] = [];
    for (const planned of plan) mask[planned.index] = true;
    chosen.cursor.readOnly(mask);

    // Optional columns present but blank all the way down are worth a warning: the figures that
    // depend on them (demographics, quality indicators) will show "not recorded".
    let optionalNotYetSeen = plan.filter((planned) => planned.column.requirement === 'O');
    // A job's other columns blank in every row are no news when no row has that job at all.
    const jobStartColumns = plan.flatMap(({ index, column }) =>
      column.target.kind === 'job' && column.target.field === 'startDate'
        ? [{ index, jobNumber: column.target.jobNumber }]
        : [],
    );
    const jobsSeen = new Set<number>();
    const importDamage = { values: 0, firstRow: 0 };
    const validator = new RowValidator(plan, {
      file: file.name,
      sheet: sheetName,
      today: options.today,
      clientKeyOf: options.clientKeyOf,
      referralSources:
        options.referralSources === undefined ? NO_REFERRAL_SOURCES : options.referralSources,
      decimalComma: chosen.sheet.decimalComma === true,
      problems,
    });
    for (let row = chosen.cursor.next(); row !== undefined; row = chosen.cursor.next()) {
      // Only the read columns are seen: a row blank in all of them holds no referral (the
      // template's rows below the data carry only the duplicate check formula).
      if (row.cells.every((cell) => isBlank(cell ?? null))) continue;
      summary.dataRows++;
      if (summary.dataRows > limits.maxRows) {
        fileProblem(
          'tooManyRows',
          sheetName,
          `The sheet has more than ${limits.maxRows.toLocaleString('en-GB')} rows of data, the most one file may have.`,
          'Split the rows across several files and upload them together.',
        );
        return summary;
      }
      if (optionalNotYetSeen.length > 0) optionalNotYetSeen = stillBlank(optionalNotYetSeen, row);
      for (const { index, jobNumber } of jobStartColumns) {
        if (!isBlank(row.cells[index] ?? null)) jobsSeen.add(jobNumber);
      }
      const record = validator.validate(repairedRow(row, importDamage));
      const key = record ?? validator.keyOfRefusedRow;
      if (key) onRow(key, record, sheetName, row.rowNumber);
    }

    if (summary.dataRows === 0) {
      fileProblem(
        'noDataRows',
        sheetName,
        'The sheet has headings but no rows of data.',
        'Add the referrals under the heading row, or check you chose the right file.',
      );
      return summary;
    }
    if (importDamage.values > 0)
      problems.push(
        problem(
          'warning',
          'textRepaired',
          { file: file.name, sheet: sheetName, row: null, column: null, value: null },
          `${importDamage.values.toLocaleString('en-GB')} ${importDamage.values === 1 ? 'value' : 'values'} in this file, the first in row ${importDamage.firstRow}, had characters damaged by a wrong import (such as "â€“" for "–" or "Ã©" for "é"): a file saved as UTF-8 was opened as Windows-1252 and saved again. They were read as meant, so lists such as employment status still match.`,
          'Nothing needs doing for this upload. Next time, open the CSV as UTF-8 (Unicode) text, or keep the spreadsheet as .xlsx.',
        ),
      );
    for (const planned of optionalNotYetSeen) {
      const { target } = planned.column;
      if (target.kind === 'job' && !jobsSeen.has(target.jobNumber)) continue;
      problems.push(
        problem(
          'warning',
          'emptyOptionalColumn',
          { file: file.name, sheet: sheetName, row: null, column: planned.heading, value: null },
          `The ${planned.heading} column is blank in every row.`,
          'Fill it in where you can: figures that use it will show as not recorded.',
        ),
      );
    }
  } catch (error) {
    // A damaged or hostile file is the uploader's problem to fix, never a crash.
    fileProblem(
      'fileUnreadable',
      null,
      error instanceof FileProblem
        ? error.message
        : 'The file could not be read. It may be damaged.',
      error instanceof FileProblem
        ? ''
        : 'Open it in Excel, save it again as .xlsx or .csv, and upload it again.',
    );
  }
  return summary;
}

/**
 * The row with any text damaged by a wrong import read as meant (import-damage.ts), counted
 * for the file's one warning; the same row when nothing was damaged.
 */
function repairedRow(row: SheetRow, damage: { values: number; firstRow: number }): SheetRow {
  let cells: CellValue[] | null = null;
  for (let index = 0; index < row.cells.length; index++) {
    const cell = row.cells[index];
    if (typeof cell !== 'string') continue;
    const repaired = repairImportDamage(cell);
    if (repaired === null) continue;
    cells ??= [...row.cells];
    cells[index] = repaired;
    damage.values++;
    if (damage.firstRow === 0) damage.firstRow = row.rowNumber;
  }
  return cells === null ? row : { rowNumber: row.rowNumber, cells };
}

/** The columns still blank after this row; the same array when nothing changed. */
function stillBlank(columns: PlannedColumn[], row: SheetRow): PlannedColumn[] {
  for (const planned of columns) {
    if (!isBlank(row.cells[planned.index] ?? null)) {
      return columns.filter((column) => isBlank(row.cells[column.index] ?? null));
    }
  }
  return columns;
}

function reportHeadingProblems(
  file: string,
  sheet: string,
  headingCells: readonly CellValue[],
  problems: Problem[],
): { plan: PlannedColumn[]; columnsNotRead: string[]; hasHeadingErrors: boolean } {
  const match = matchHeadings(headingCells);
  const at = (column: string | null) => ({ file, sheet, row: null, column, value: null });
  for (const { column, didYouMean } of match.missingRequired) {
    problems.push(
      problem(
        'error',
        'missingHeading',
        at(column.heading),
        `The ${column.heading} column is missing.`,
        didYouMean !== undefined
          ? `Did you mean '${didYouMean}'? Rename that heading to '${column.heading}'.`
          : `Add a column headed '${column.heading}'${column.requirement === 'H' ? ' (it may be left blank)' : ''}.`,
      ),
    );
  }
  for (const repeated of match.repeated) {
    problems.push(
      problem(
        'error',
        'repeatedHeading',
        at(repeated.heading),
        `The ${repeated.column.heading} column appears more than once.`,
        'Keep one column with this heading and delete or rename the others.',
      ),
    );
  }
  const columnsNotRead: string[] = [];
  for (const unknown of match.unknown) {
    const heading = shownLabel(unknown.heading);
    columnsNotRead.push(heading);
    if (unknown.didYouMean === undefined || unknown.didYouMean.requirement !== 'O') continue;
    problems.push(
      problem(
        'warning',
        'headingNotRead',
        at(heading),
        `The heading '${heading}' is not one the tool knows, so the column was not read.`,
        `Did you mean '${unknown.didYouMean.heading}'? Rename the heading to read it.`,
      ),
    );
  }
  const plan = match.matched.flatMap(({ index, heading, column }) =>
    isReadColumn(column) ? [{ index, heading, column }] : [],
  );
  return {
    plan,
    columnsNotRead,
    hasHeadingErrors: match.missingRequired.length > 0 || match.repeated.length > 0,
  };
}
