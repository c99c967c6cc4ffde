import {
  type CellValue,
  type ColumnSelection,
  checkFileSize,
  FileProblem,
  type ReadLimits,
  type SheetRow,
  type WorkbookSource,
} from '../cells.ts';

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
  const text = decodeCsvText(bytes);
  // \s includes the byte-order mark, so a file of only a mark and line breaks is empty too.
  if (!/\S/.test(text)) throw new FileProblem('empty', 'The file is empty.');
  const separator = detectSeparator(text);
  return {
    sheets: [{ name: fileName, rows: (selection) => readRecords(text, separator, selection) }],
  };
}

function decodeCsvText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  }
  const startsWithSignature = BINARY_SIGNATURES.some((signature) =>
    signature.every((byte, index) => bytes[index] === byte),
  );
  if (startsWithSignature || bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) {
    throw new FileProblem(
      'notSpreadsheet',
      'This file is not a CSV file (it holds binary data). Upload the spreadsheet as an Excel workbook (.xlsx) or save it from Excel as CSV.',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // Not valid UTF-8: Excel's "CSV (Comma delimited)" on Windows writes the Windows-1252 code page.
    return decodeWindows1252(bytes);
  }
}

/** Windows-1252's characters for bytes 0x80–0x9F (the five undefined bytes kept as their code). */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Node's TextDecoder('windows-1252') decodes as ISO-8859-1, turning Excel's curly apostrophe
 * (0x92) into a control character; so Latin-1, then the 0x80–0x9F block mapped by hand.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString('latin1')
    .replace(
      /[\u0080-\u009f]/g,
      (character) => WINDOWS_1252_HIGH[character.charCodeAt(0) - 0x80] ?? character,
    );
}

/** Comma, unless the heading line has none and is clearly separated by semicolons or tabs. */
function detectSeparator(text: string): string {
  const lineEnd = text.search(/[\r\n]/);
  const headingLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  if (headingLine.includes(',')) return ',';
  if (headingLine.includes(';')) return ';';
  if (headingLine.includes('\t')) return '\t';
  return ',';
}

/**
 * One record at a time; blank records (Excel writes ",,,," for empty rows) are skipped but still
 * counted, so row numbers are those a spreadsheet program shows.
 */
function* readRecords(
  text: string,
  separator: string,
  selection: ColumnSelection,
): Generator<SheetRow> {
  const scanner = new CsvScanner(text, separator);
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
  private readonly separatorCode: number;

  constructor(
    private readonly text: string,
    private readonly separator: string,
  ) {
    this.separatorCode = separator.charCodeAt(0);
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
