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
 * Every value is text; interpreting it is the validator's job. A column the filter switches off is
 * scanned past without its text ever being made into a string.
 */

const QUOTE = 0x22;
const CR = 0x0d;
const LF = 0x0a;
const BINARY_SNIFF_BYTES = 4096;

export function openCsvWorkbook(
  bytes: Uint8Array,
  fileName: string,
  limits: ReadLimits,
): WorkbookSource {
  checkFileSize(bytes, limits);
  const text = decodeCsvText(bytes);
  if (text.trim() === '') throw new FileProblem('empty', 'The file is empty.');
  const delimiter = detectDelimiter(text);
  return {
    sheets: [{ name: fileName, rows: (selection) => parseCsvRows(text, delimiter, selection) }],
  };
}

function decodeCsvText(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return new TextDecoder('utf-8').decode(bytes.subarray(3));
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const sniffed = bytes.subarray(0, BINARY_SNIFF_BYTES);
  if (sniffed.includes(0)) {
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

/** Windows-1252's characters for bytes 0x80–0x9F (undefined bytes kept as their code). */
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
function detectDelimiter(text: string): string {
  const lineEnd = text.search(/[\r\n]/);
  const headingLine = lineEnd < 0 ? text : text.slice(0, lineEnd);
  if (headingLine.includes(',')) return ',';
  if (headingLine.includes(';')) return ';';
  if (headingLine.includes('\t')) return '\t';
  return ',';
}

function unclosedQuote(rowNumber: number): FileProblem {
  return new FileProblem(
    'corrupt',
    `Row ${rowNumber} has a value that opens a quotation mark (") and never closes it, so the rest of the file cannot be read. Check that row, or save the file from Excel again as CSV.`,
  );
}

/**
 * One record at a time; blank records (Excel writes ",,,," for empty rows) are skipped but still
 * counted, so row numbers are those a spreadsheet program shows.
 */
function* parseCsvRows(
  text: string,
  delimiter: string,
  selection: ColumnSelection,
): Generator<SheetRow> {
  const length = text.length;
  const separator = delimiter.charCodeAt(0);
  let position = 0;
  let rowNumber = 0;
  while (position < length) {
    rowNumber++;
    const cells: CellValue[] = [];
    const mask = selection.columns;
    let hasContent = false;
    for (let column = 0; ; column++) {
      const read = mask === null || mask[column] === true;
      let value: string | null = null;
      if (text.charCodeAt(position) === QUOTE) {
        const opening = position;
        let piece = position + 1;
        let quoted = '';
        for (;;) {
          const close = text.indexOf('"', piece);
          if (close < 0) throw unclosedQuote(rowNumber);
          if (text.charCodeAt(close + 1) === QUOTE) {
            if (read) quoted += text.slice(piece, close + 1);
            piece = close + 2;
            continue;
          }
          if (read) quoted += text.slice(piece, close);
          position = close + 1;
          break;
        }
        // Anything between the closing quote and the separator is kept, as spreadsheet programs do.
        const trailing = position;
        position = endOfField(text, position, separator);
        if (read) value = quoted + text.slice(trailing, position);
        else if (position > opening + 2) hasContent = true;
      } else {
        const start = position;
        position = endOfField(text, position, separator);
        if (position > start) {
          if (read) value = text.slice(start, position);
          else hasContent = true;
        }
      }
      if (value === '') value = null;
      if (value !== null) hasContent = true;
      cells.push(value);
      if (position >= length) break;
      const next = text.charCodeAt(position);
      position++;
      if (next === separator) {
        if (position >= length) {
          cells.push(null);
          break;
        }
        continue;
      }
      if (next === CR && text.charCodeAt(position) === LF) position++;
      break;
    }
    if (hasContent) yield { rowNumber, cells };
  }
}

function endOfField(text: string, from: number, separator: number): number {
  let position = from;
  const length = text.length;
  while (position < length) {
    const code = text.charCodeAt(position);
    if (code === separator || code === LF || code === CR) break;
    position++;
  }
  return position;
}
