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
  /** Cap on the decompressed size of any one part of an XLSX file, against zip bombs. */
  readonly maxDecompressedBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxFileBytes: 50 * 1024 * 1024,
  maxRows: 200_000,
  maxDecompressedBytes: 1024 * 1024 * 1024,
};

export type FileProblemCode =
  | 'empty'
  | 'tooLarge'
  | 'tooManyRows'
  | 'notSpreadsheet'
  | 'encrypted'
  | 'legacyXls'
  | 'corrupt'
  | 'decompressedTooLarge'
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
      `The file is larger than the ${Math.round(limits.maxFileBytes / (1024 * 1024))} MB limit. Split it into smaller files and upload them together.`,
    );
  }
}

export function isDateCell(value: CellValue): value is DateCell {
  return typeof value === 'object' && value !== null;
}
