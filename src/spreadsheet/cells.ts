import type { IsoDate } from '../calendar/calendar-date.ts';

/**
 * What the readers hand to the rest of the core: sheets of rows of cell values, format-agnostic.
 * Readers are pure (bytes in, values out) and stream row by row so memory stays bounded.
 */

/** A real spreadsheet date cell, converted by its UTC parts to a calendar date. */
export interface DateCell {
  readonly kind: 'date';
  readonly date: IsoDate;
}

/** Text, a number, a Yes/No boolean cell, a date cell, or blank. */
export type CellValue = string | number | boolean | DateCell | null;

export interface SheetRow {
  /** The row number as the spreadsheet shows it (1-based; for CSV the line's record number). */
  readonly rowNumber: number;
  /** Cell values by 0-based column index; may be shorter than the widest row (missing = blank). */
  readonly cells: readonly CellValue[];
}

/**
 * Which columns are decoded, by 0-based index (`null`: every column). Readers look at it again
 * for each row, so a caller can narrow it — switching off the never-read columns — once it has
 * seen the headings. A plain mask rather than a callback: it is consulted for millions of cells.
 */
export interface ColumnSelection {
  readonly columns: readonly boolean[] | null;
}

export const ALL_COLUMNS: ColumnSelection = { columns: null };

export interface SheetSource {
  /** The sheet's name (the file name for CSV). */
  readonly name: string;
  /**
   * Numbers written with a decimal comma (37,5): a semicolon-separated CSV, as Excel writes it
   * where the comma is the decimal mark. Cells are text; the validator reads them so.
   */
  readonly decimalComma?: boolean;
  /** Rows in order, blank rows skipped. Each call starts again from the first row. */
  rows(selection: ColumnSelection): Iterable<SheetRow>;
}

export interface WorkbookSource {
  readonly sheets: readonly SheetSource[];
}

export interface ReadLimits {
  /** Largest file accepted, in bytes (default 50 MB). */
  readonly maxFileBytes: number;
  /** Most data rows accepted in one file (default 200 000). */
  readonly maxRows: number;
  /** Most bytes any one part of an XLSX file may inflate to, against zip bombs. */
  readonly maxDecompressedBytes: number;
  /** Most bytes all the parts of one XLSX file may inflate to together. */
  readonly maxDecompressedFileBytes: number;
  /** Most bytes all the XLSX files of one upload may inflate to together. */
  readonly maxDecompressedUploadBytes: number;
  /**
   * Most times its compressed size a part may inflate to, once past `RATIO_CHECKED_FROM_BYTES`:
   * a bomb is a thousand times, so it is refused after a megabyte rather than at the size caps.
   */
  readonly maxCompressionRatio: number;
}

/** Small parts (relationships, styles, a short sheet) may compress far better than sheets do. */
export const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;

const MB = 1024 * 1024;

/**
 * Set from bench/inflation.bench.ts (docs/SPREADSHEET.md, "Limits"). 200 000 rows with every
 * column filled: a 60 MB file whose sheet inflates to 504 MB with shared strings (as Excel writes
 * it), 78 MB to 825 MB with inline strings; ratios 8.5 and 10.5, the template's sheets at most 14
 * and its smallest parts 24. A file within 50 MB therefore inflates to about 525 MB at most: each
 * cap is two to four times that, and the ratio cap four times the most compressible real part,
 * while a zip bomb runs at 300 to 1 000 times.
 */
export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxFileBytes: 50 * MB,
  maxRows: 200_000,
  maxDecompressedBytes: 1024 * MB,
  maxDecompressedFileBytes: 1536 * MB,
  maxDecompressedUploadBytes: 2048 * MB,
  maxCompressionRatio: 100,
};

/** A byte count for a message: "1,024 MB". */
export function megabytes(bytes: number): string {
  return `${Math.round(bytes / MB).toLocaleString('en-GB')} MB`;
}

/**
 * Bytes inflated so far against one cap shared by several parts: one file's, or one upload's
 * across its files. Counted as the bytes come out, so reading stops at the cap, never after.
 */
export class InflationBudget {
  #inflated = 0;
  constructor(
    private readonly limitBytes: number,
    private readonly refusal: (limitBytes: number) => FileProblem,
  ) {}

  count(bytes: number): void {
    this.#inflated += bytes;
    if (this.#inflated > this.limitBytes) throw this.refusal(this.limitBytes);
  }
}

export function fileInflationBudget(limits: ReadLimits): InflationBudget {
  return new InflationBudget(
    limits.maxDecompressedFileBytes,
    (limit) =>
      new FileProblem(
        'decompressedTooLarge',
        `The workbook expands to more than ${megabytes(limit)} in all when uncompressed, more than ${limits.maxRows.toLocaleString('en-GB')} rows of referrals need. Check it is the right file, or split the rows across several files.`,
      ),
  );
}

/** The one budget every XLSX file of an upload counts against. */
export function uploadInflationBudget(limits: ReadLimits): InflationBudget {
  return new InflationBudget(
    limits.maxDecompressedUploadBytes,
    (limit) =>
      new FileProblem(
        'uploadDecompressedTooLarge',
        `Together with the files before it, this workbook takes the upload past ${megabytes(limit)} uncompressed, the most one upload may expand to. Upload this file and the ones after it separately.`,
      ),
  );
}

export type FileProblemCode =
  | 'empty'
  | 'tooLarge'
  | 'tooManyRows'
  | 'notSpreadsheet'
  | 'encrypted'
  | 'legacyXls'
  | 'corrupt'
  | 'decompressedTooLarge'
  | 'uploadDecompressedTooLarge'
  | 'compressionRatioTooHigh'
  | 'unsafeXml'
  | 'noData';

/**
 * A file that cannot be read at all. The message is plain English for the person uploading and
 * never contains cell values.
 */
export class FileProblem extends Error {
  override readonly name = 'FileProblem';
  constructor(
    readonly code: FileProblemCode,
    message: string,
  ) {
    super(message);
  }
}

/** Refuses a file over the size limit, saying what the limit is. */
export function checkFileSize(bytes: Uint8Array, limits: ReadLimits): void {
  if (bytes.length > limits.maxFileBytes) {
    throw new FileProblem(
      'tooLarge',
      `The file is larger than the ${megabytes(limits.maxFileBytes)} limit. Split it into smaller files and upload them together.`,
    );
  }
}

export function isDateCell(value: CellValue): value is DateCell {
  return typeof value === 'object' && value !== null;
}
