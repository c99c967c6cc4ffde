import { Buffer, isAscii, isUtf8 } from 'node:buffer';
import {
  type CellValue,
  type ColumnSelection,
  checkFileSize,
  FileProblem,
  type ReadLimits,
  type SheetRow,
  type WorkbookSource,
} from '../cells.ts';
import { WINDOWS_1252_HIGH } from '../import-damage.ts';

/**
 * CSV as people's spreadsheets write it: RFC 4180 quoting (commas, doubled quotes and line breaks
 * inside quotes), CRLF, LF or CR line ends, UTF-8 with or without a byte-order mark, UTF-16 with a
 * mark ("Unicode text"), and Windows-1252 — what Excel on a UK PC writes as "CSV". Semicolon- and
 * tab-separated exports are recognised from the heading line.
 *
 * Every value is text or null (blank); interpreting it is the validator's job. A column the
 * selection switches off is scanned past without its text ever being made into a string.
 */

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BINARY_SNIFF_BYTES = 4096;
const BINARY_SIGNATURES: readonly (readonly number[])[] = [
  [0x50, 0x4b, 0x03, 0x04], // ZIP, so also XLSX
  [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], // OLE: old .xls, encrypted workbooks
];

export function openCsvWorkbook(
  bytes: Uint8Array,
  fileName: string,
  limits: ReadLimits,
): WorkbookSource {
  checkFileSize(bytes, limits);
  const decoded = decodeCsvText(bytes);
  const { text } = decoded;
  if (!/\S/.test(text)) throw new FileProblem('empty', 'The file is empty.');
  const separator = detectSeparator(text);
  return {
    sheets: [
      {
        name: fileName,
        decimalComma: separator === ';',
        rows: (selection) => readRecords(decoded, separator, selection),
      },
    ],
  };
}

/**
 * The file's text, and how to finish decoding a field. UTF-8 and Windows-1252 files are first
 * read byte for byte as Latin-1: a one-byte string, several times quicker to make and to scan than
 * decoding the whole file, and the separators, quotes and line ends are single bytes in both.
 * Only the fields holding characters that `repair.pattern` matches are then decoded properly.
 */
interface DecodedText {
  readonly text: string;
  /** Null when the text is already fully decoded. */
  readonly repair: FieldRepair | null;
}

interface FieldRepair {
  /** Global; matches any character that `decode` changes. */
  readonly pattern: RegExp;
  readonly decode: (field: string) => string;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function decodeCsvText(bytes: Uint8Array): DecodedText {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return decodeUtf16('utf-16le', bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return decodeUtf16('utf-16be', bytes.subarray(2));
  const hasBom = UTF8_BOM.every((byte, index) => bytes[index] === byte);
  const body = hasBom ? bytes.subarray(UTF8_BOM.length) : bytes;
  const startsWithSignature = BINARY_SIGNATURES.some((signature) =>
    signature.every((byte, index) => bytes[index] === byte),
  );
  if (startsWithSignature || bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
    throw new FileProblem(
      'notSpreadsheet',
      'This file is not a CSV file (it holds binary data). Upload the spreadsheet as an Excel workbook (.xlsx) or save it from Excel as CSV.',
    );
  }
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('latin1');
  if (isAscii(body)) return { text, repair: null };
  if (hasBom || isUtf8(body)) {
    return { text, repair: { pattern: /[\u0080-\u00ff]/g, decode: latin1AsUtf8 } };
  }
  // Not UTF-8: Excel's "CSV (Comma delimited)" on Windows writes the Windows-1252 code page.
  return { text, repair: { pattern: /[\u0080-\u009f]/g, decode: latin1AsWindows1252 } };
}

function decodeUtf16(encoding: 'utf-16le' | 'utf-16be', body: Uint8Array): DecodedText {
  return { text: new TextDecoder(encoding).decode(body), repair: null };
}

function latin1AsUtf8(field: string): string {
  return Buffer.from(field, 'latin1').toString('utf8');
}

/**
 * Windows-1252 is Latin-1 but for 0x80–0x9F, where it has Excel's curly quotes, dashes and €.
 * (Node's own TextDecoder('windows-1252') decodes as Latin-1, so cannot be used.)
 */
function latin1AsWindows1252(field: string): string {
  return field.replace(
    /[\u0080-\u009f]/g,
    (character) => WINDOWS_1252_HIGH[character.charCodeAt(0) - 0x80] ?? character,
  );
}

/**
 * The separator the heading line uses most, outside quotes: comma, semicolon (Excel where the
 * comma is the decimal mark) or tab. A heading with a comma in it ("Gender, as recorded") does
 * not outvote a line of semicolons. Comma when there is none.
 */
function detectSeparator(text: string): string {
  const counts = new Map<string, number>([
    [',', 0],
    [';', 0],
    ['\t', 0],
  ]);
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index] as string;
    if (character === '"') quoted = !quoted;
    else if (!quoted && (character === '\n' || character === '\r')) break;
    else if (!quoted && counts.has(character))
      counts.set(character, (counts.get(character) ?? 0) + 1);
  }
  let separator = ',';
  for (const [candidate, count] of counts)
    if (count > (counts.get(separator) ?? 0)) separator = candidate;
  return separator;
}

/**
 * One record at a time; blank records (Excel writes ",,,," for empty rows) are skipped but still
 * counted, so row numbers are those a spreadsheet program shows.
 */
function* readRecords(
  decoded: DecodedText,
  separator: string,
  selection: ColumnSelection,
): Generator<SheetRow> {
  const scanner = new CsvScanner(decoded, separator);
  for (let rowNumber = 1; !scanner.atEnd(); rowNumber++) {
    const cells = scanner.readRecord(rowNumber, selection.columns);
    if (scanner.recordHasContent) yield { rowNumber, cells };
  }
}

/**
 * A state machine over the decoded text. Unquoted fields, nearly all of them, are found with
 * indexOf: the next separator, line feed and carriage return are each searched for once and
 * remembered until the scan passes them, so the text is searched natively rather than character
 * by character.
 */
class CsvScanner {
  /** Whether the last record read had any non-empty field, read or not. */
  recordHasContent = false;
  private position = 0;
  private nextSeparator = -1;
  private nextLineFeed = -1;
  private nextReturn = -1;
  /** The next character that needs repairing (see DecodedText), or the text's length. */
  private nextRepair = -1;
  private readonly text: string;
  private readonly repair: FieldRepair | null;
  private readonly separatorCode: number;

  constructor(
    decoded: DecodedText,
    private readonly separator: string,
  ) {
    this.text = decoded.text;
    this.repair = decoded.repair;
    this.separatorCode = separator.charCodeAt(0);
    if (this.repair === null) this.nextRepair = this.text.length;
  }

  atEnd(): boolean {
    return this.position >= this.text.length;
  }

  /** Reads the record at the current position, leaving the position at the start of the next. */
  readRecord(rowNumber: number, mask: readonly boolean[] | null): CellValue[] {
    const text = this.text;
    const length = text.length;
    const separatorCode = this.separatorCode;
    const cells: CellValue[] = [];
    let hasContent = false;
    for (let column = 0; ; column++) {
      const read = mask === null || mask[column] === true;
      const start = this.position;
      const first = text.charCodeAt(start);
      let value: string | null = null;
      if (first === QUOTE) {
        value = this.quotedField(rowNumber, read);
        if (this.position > start + 2) hasContent = true;
      } else if (first !== separatorCode && first !== LF && first !== CR) {
        hasContent = true;
        this.position = this.endOfText(start);
        if (read) value = text.slice(start, this.position);
      }
      if (value !== null && this.nextRepair < this.position) value = this.repaired(value, start);
      cells.push(value === '' ? null : value);
      if (this.position >= length) break;
      const next = text.charCodeAt(this.position++);
      if (next === separatorCode) {
        // A separator at the very end of the text still ends a (blank) last field.
        if (this.position >= length) {
          cells.push(null);
          break;
        }
        continue;
      }
      if (next === CR && text.charCodeAt(this.position) === LF) this.position++;
      break;
    }
    this.recordHasContent = hasContent;
    return cells;
  }

  /**
   * A field opening with a quote: doubled quotes are one quote; anything between the closing
   * quote and the separator is kept, as spreadsheet programs do. Null when not read.
   */
  private quotedField(rowNumber: number, read: boolean): string | null {
    const text = this.text;
    let piece = this.position + 1;
    let value = '';
    for (;;) {
      const close = text.indexOf('"', piece);
      if (close < 0) throw unclosedQuote(rowNumber);
      const doubled = text.charCodeAt(close + 1) === QUOTE;
      if (read) value += text.slice(piece, doubled ? close + 1 : close);
      if (doubled) {
        piece = close + 2;
        continue;
      }
      this.position = this.endOfText(close + 1);
      if (!read) return null;
      return this.position > close + 1 ? value + text.slice(close + 1, this.position) : value;
    }
  }

  /** The field from `start` to the position, finished decoding if it holds characters to repair. */
  private repaired(field: string, start: number): string {
    const repair = this.repair;
    if (repair === null) return field;
    if (this.nextRepair < start) {
      repair.pattern.lastIndex = start;
      this.nextRepair = repair.pattern.exec(this.text)?.index ?? this.text.length;
    }
    return this.nextRepair < this.position ? repair.decode(field) : field;
  }

  /** The first separator, line feed or carriage return at or after `from` (or the text's end). */
  private endOfText(from: number): number {
    if (this.nextSeparator < from) this.nextSeparator = this.indexOrEnd(this.separator, from);
    if (this.nextLineFeed < from) this.nextLineFeed = this.indexOrEnd('\n', from);
    if (this.nextReturn < from) this.nextReturn = this.indexOrEnd('\r', from);
    return Math.min(this.nextSeparator, this.nextLineFeed, this.nextReturn);
  }

  private indexOrEnd(character: string, from: number): number {
    const index = this.text.indexOf(character, from);
    return index < 0 ? this.text.length : index;
  }
}

function unclosedQuote(rowNumber: number): FileProblem {
  return new FileProblem(
    'corrupt',
    `Row ${rowNumber} has a value that opens a quotation mark (") and never closes it, so the rest of the file cannot be read. Check that row, or save the file from Excel again as CSV.`,
  );
}
