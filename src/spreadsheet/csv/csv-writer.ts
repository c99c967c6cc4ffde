import { formatUkDate } from '../../calendar/calendar-date.ts';
import { type CellValue, isDateCell } from '../cells.ts';

/** RFC 4180 CSV as Excel reads it: CRLF, quotes only where needed, dates DD/MM/YYYY, Yes/No. */

export interface CsvWriteOptions {
  /**
   * Prefix cells that a spreadsheet would run as a formula (=, +, -, @) with a single quote: for
   * exports that people open in Excel.
   */
  readonly neutraliseFormulas?: boolean;
}

function csvField(value: CellValue, options: CsvWriteOptions): string {
  if (value === null) return '';
  let text: string;
  if (isDateCell(value)) text = formatUkDate(value.date);
  else if (typeof value === 'boolean') text = value ? 'Yes' : 'No';
  else text = String(value);
  if (options.neutraliseFormulas && typeof value === 'string' && /^[=+\-@\t\r]/.test(text))
    text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function writeCsv(
  headings: readonly string[],
  rows: Iterable<readonly CellValue[]>,
  options: CsvWriteOptions = {},
): string {
  const lines = [headings.map((heading) => csvField(heading, options)).join(',')];
  for (const row of rows) lines.push(row.map((value) => csvField(value, options)).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
