import {
  formatIso,
  formatUkDate,
  type IsoDate,
  isValidYmd,
  MONTH_NAMES,
} from '../calendar/calendar-date.ts';
import { type CellValue, isDateCell } from '../spreadsheet/cells.ts';
import { LISTS, type ListId, listMatchKey, matchListValue } from '../spreadsheet/lists.ts';
import { closestMatch } from './did-you-mean.ts';

/**
 * Turning one cell into a typed value, or saying in plain English why it cannot be. Each parser
 * returns the value itself or an Unreadable with the wording for the Problem the caller builds;
 * nothing is allocated for a good cell, as this runs for millions of cells.
 */

export class Unreadable {
  constructor(
    readonly description: string,
    readonly fix: string,
  ) {}
}

export type Parsed<T> = T | Unreadable;

const fail = (description: string, fix: string): Unreadable => new Unreadable(description, fix);

const DATE_FIX = 'Enter dates as DD/MM/YYYY, for example 05/03/2024.';

/** The cell as the person typed it, for messages. Date cells read as DD/MM/YYYY. */
export function cellAsTyped(cell: CellValue): string {
  if (cell === null) return '';
  if (isDateCell(cell)) return formatUkDate(cell.date);
  if (typeof cell === 'boolean') return cell ? 'TRUE' : 'FALSE';
  return String(cell);
}

/**
 * Blank: no cell, or text of only spaces, as `parseText` trims them (ASCII checked without
 * trimming: it runs for every cell; other characters only then by `trim`).
 */
export function isBlank(cell: CellValue): boolean {
  if (cell === null) return true;
  if (typeof cell !== 'string') return false;
  for (let index = 0; index < cell.length; index++) {
    const code = cell.charCodeAt(index);
    // Space, and tab to carriage return (\t \n \v \f \r): what trim removes below 128.
    if (code === 32 || (code >= 9 && code <= 13)) continue;
    return code >= 128 && cell.trim() === '';
  }
  return true;
}

/** Reads 1–2 (or 4) ASCII digits at [start, end) as a number, or -1 if anything else is there. */
function digitsAt(text: string, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return end > start ? value : -1;
}

/**
 * A date: a real date cell, or text DD/MM/YYYY, D/M/YYYY or YYYY-MM-DD. Anything else is refused
 * with the reason: a US-style month-first date, a two-digit year, a day that does not exist.
 */
export function parseDate(cell: CellValue): Parsed<IsoDate> {
  if (isDateCell(cell)) return cell.date;
  if (
    typeof cell === 'string' &&
    cell.length === 10 &&
    cell.charCodeAt(2) === 47 &&
    cell.charCodeAt(5) === 47
  ) {
    // The common case, DD/MM/YYYY exactly, without searching for separators.
    const day = digitsAt(cell, 0, 2);
    const month = digitsAt(cell, 3, 5);
    const year = digitsAt(cell, 6, 10);
    if (day > 0 && month > 0 && month <= 12 && year >= 1900 && isValidYmd(year, month, day)) {
      return `${cell.slice(6, 10)}-${cell.slice(3, 5)}-${cell.slice(0, 2)}`;
    }
  }
  if (typeof cell === 'number') {
    return fail(
      `'${cellAsTyped(cell)}' is a number, not a date.`,
      `Format the cell as a date in Excel, or type it as DD/MM/YYYY, for example 05/03/2024.`,
    );
  }
  const text = String(cell).trim();
  const isoMatch = text.length === 10 && text[4] === '-' && text[7] === '-';
  if (isoMatch) {
    const year = digitsAt(text, 0, 4);
    const month = digitsAt(text, 5, 7);
    const day = digitsAt(text, 8, 10);
    if (year > 0 && month > 0 && day > 0) return checkYmd(text, year, month, day);
  }
  const firstSlash = text.indexOf('/');
  const secondSlash = firstSlash < 0 ? -1 : text.indexOf('/', firstSlash + 1);
  if (secondSlash < 0 || text.indexOf('/', secondSlash + 1) >= 0) {
    return fail(`'${text}' is not a date.`, DATE_FIX);
  }
  const first = digitsAt(text, 0, firstSlash);
  const second = digitsAt(text, firstSlash + 1, secondSlash);
  const yearDigits = text.length - secondSlash - 1;
  const year = digitsAt(text, secondSlash + 1, text.length);
  if (first < 0 || second < 0 || year < 0 || firstSlash > 2 || secondSlash - firstSlash > 3) {
    return fail(`'${text}' is not a date.`, DATE_FIX);
  }
  if (yearDigits !== 4) {
    return fail(
      `'${text}' does not have a four-digit year.`,
      `Enter the full year, for example ${text.slice(0, secondSlash)}/20${String(year).padStart(2, '0').slice(-2)}.`,
    );
  }
  if (second > 12 && first <= 12 && isValidYmd(year, first, second)) {
    return fail(
      `'${text}' looks like a US-style date, with the month first.`,
      `Enter dates day first, as DD/MM/YYYY: ${String(second).padStart(2, '0')}/${String(first).padStart(2, '0')}/${year}.`,
    );
  }
  return checkYmd(text, year, second, first);
}

function checkYmd(text: string, year: number, month: number, day: number): Parsed<IsoDate> {
  if (month >= 1 && month <= 12 && day >= 1 && !isValidYmd(year, month, day)) {
    return fail(
      `'${text}' is not a real date: ${MONTH_NAMES[month - 1]} ${year} has no day ${day}.`,
      'Check the day and month.',
    );
  }
  if (!isValidYmd(year, month, day) || year < 1900)
    return fail(`'${text}' is not a date.`, DATE_FIX);
  return formatIso(year, month, day);
}

const YES = new Set(['yes', 'y', 'true']);
const NO = new Set(['no', 'n', 'false']);

export function parseYesNo(cell: CellValue): Parsed<boolean> {
  if (typeof cell === 'boolean') return cell;
  const text = cellAsTyped(cell).trim().toLowerCase();
  if (YES.has(text)) return true;
  if (NO.has(text)) return false;
  return fail(`'${cellAsTyped(cell)}' is not Yes or No.`, 'Enter Yes or No, or leave it blank.');
}

export const MAX_HOURS_PER_WEEK = 80;

/**
 * Hours per week: a number from 0 to 80, decimals allowed. A decimal comma (37,5) is read only
 * where the sheet writes numbers so; in a comma-separated file "37,5" could be a typing slip.
 */
export function parseHours(cell: CellValue, decimalComma = false): Parsed<number> {
  const fix = `Enter the hours per week as a number from 0 to ${MAX_HOURS_PER_WEEK}, for example 16 or 7.5.`;
  let hours: number;
  if (typeof cell === 'number') {
    hours = cell;
  } else if (typeof cell === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(cell)) {
    hours = Number(cell);
  } else if (typeof cell === 'string' && decimalComma && /^\s*\d+,\d+\s*$/.test(cell)) {
    hours = Number(cell.replace(',', '.'));
  } else {
    return fail(`'${cellAsTyped(cell)}' is not a number of hours.`, fix);
  }
  if (!Number.isFinite(hours) || hours < 0 || hours > MAX_HOURS_PER_WEEK) {
    return fail(
      `'${cellAsTyped(cell)}' is not between 0 and ${MAX_HOURS_PER_WEEK} hours a week.`,
      fix,
    );
  }
  return hours;
}

/** Employment specialist initials: 2–4 letters, stored upper case. */
export function parseInitials(cell: CellValue): Parsed<string> {
  const text = cellAsTyped(cell).trim();
  if (/^[A-Za-z]{2,4}$/.test(text)) return text.toUpperCase();
  return fail(
    `'${text}' is not employment specialist initials.`,
    'Enter 2 to 4 letters with no spaces or full stops, for example JS.',
  );
}

function hasSurroundingSpace(text: string): boolean {
  return text.length === 0 || text.charCodeAt(0) <= 32 || text.charCodeAt(text.length - 1) <= 32;
}

/** Text as given, trimmed; numbers as Excel shows them (no trailing ".0"). */
export function parseText(cell: CellValue): string {
  return cellAsTyped(cell).trim();
}

export type ListParse =
  | { readonly recognised: true; readonly value: string }
  | { readonly recognised: false; readonly suggestion: string | undefined };

/**
 * The same few values fill a list column row after row, so each distinct value is matched (and a
 * suggestion searched for) once. Capped, so a file of endless distinct values cannot grow it.
 */
const LIST_MEMO_LIMIT = 10_000;
const listMemos = new Map<ListId, Map<string, ListParse>>();
const listOrCodeMemos = new Map<ListId, Map<string, ListParse>>();

export function parseListValue(listId: ListId, cell: CellValue, allowCode: boolean): ListParse {
  const text = typeof cell === 'string' && !hasSurroundingSpace(cell) ? cell : parseText(cell);
  const memos = allowCode ? listOrCodeMemos : listMemos;
  let memo = memos.get(listId);
  if (memo === undefined) {
    memo = new Map();
    memos.set(listId, memo);
  }
  const known = memo.get(text);
  if (known !== undefined) return known;
  const parsed = matchList(listId, text, allowCode);
  if (memo.size < LIST_MEMO_LIMIT) memo.set(text, parsed);
  return parsed;
}

/**
 * SIC 2007 codes: a division's two digits, then up to three more for the group, class and
 * subclass, written as 47110 or with a dot as 47.11; SOC 2020 codes: one to four digits.
 */
const CODE_FORMS: Partial<Record<ListId, RegExp>> = {
  J: /^\d{2}(?:\.?\d{1,3})?$/,
  K: /^\d{1,4}$/,
};

function matchList(listId: ListId, text: string, allowCode: boolean): ListParse {
  const value = matchListValue(listId, text);
  if (value !== undefined) return { recognised: true, value };
  // Sector and occupation accept a SIC or SOC code instead of the list's words.
  if (allowCode && CODE_FORMS[listId]?.test(text)) return { recognised: true, value: text };
  const suggestion = closestMatch(listMatchKey(text), LISTS[listId].values, listMatchKey);
  return { recognised: false, suggestion };
}
