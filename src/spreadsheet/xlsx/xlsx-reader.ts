import { formatIso, fromDayNumber, isValidYmd } from '../../calendar/calendar-date.ts';
import {
  type CellValue,
  type ColumnSelection,
  checkFileSize,
  FileProblem,
  fileInflationBudget,
  type InflationBudget,
  type ReadLimits,
  type SheetRow,
  type SheetSource,
  type WorkbookSource,
} from '../cells.ts';
import { isDateFormatCode } from './date-formats.ts';
import { decodeXmlText, elementAttributes, itemText } from './xml-text.ts';
import { decompressedTooLarge, ZipArchive, type ZipEntry } from './zip-archive.ts';

/**
 * A minimal, streaming XLSX reader: fflate to inflate, a hand-written scan of the sheet XML. It
 * was chosen on measurements (docs/DESIGN.md): about twice as fast as read-excel-file and a fraction of
 * its memory, because the sheet is inflated and scanned a slice at a time and each row is parsed
 * only when the caller asks for it. Shared strings are decoded only when a read column uses them,
 * so personal-data columns are never parsed past their heading.
 */

const OLE_SIGNATURE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
/** Days from Excel's 1900 serial origin (with its fictitious 29/02/1900) to 1970-01-01. */
const EXCEL_1900_TO_UNIX_DAYS = 25569;
const EXCEL_1904_TO_UNIX_DAYS = 24107;
/** A single row bigger than this uncompressed is not a referral row. */
const MAX_ROW_CHARACTERS = 32 * 1024 * 1024;
/**
 * Parts read whole (shared strings, the workbook, relationships), unlike the streamed sheets: a
 * zip bomb in one of them must stop here, long before memory runs out. Real shared strings for
 * 200 000 rows are a few tens of megabytes.
 */
const MAX_WHOLE_PART_BYTES = 128 * 1024 * 1024;

const GT = 62;
const SLASH = 47;
const QUOTE = 34;
const SPACE = 32;

/**
 * `uploadBudget`, when the file is one of an upload's, is the inflation budget all its files
 * share; the file's own budget and the ratio cap apply either way.
 */
export function openXlsxWorkbook(
  bytes: Uint8Array,
  limits: ReadLimits,
  uploadBudget?: InflationBudget,
): WorkbookSource {
  if (bytes.length === 0) throw new FileProblem('empty', 'The file is empty.');
  checkFileSize(bytes, limits);
  if (OLE_SIGNATURE.every((byte, index) => bytes[index] === byte)) throw oleProblem(bytes);
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new FileProblem(
      'notSpreadsheet',
      'This file is not an Excel workbook. Upload the spreadsheet as an Excel workbook (.xlsx) or a CSV file.',
    );
  }
  const archive = new ZipArchive(bytes, {
    maxCompressionRatio: limits.maxCompressionRatio,
    budgets: uploadBudget
      ? [fileInflationBudget(limits), uploadBudget]
      : [fileInflationBudget(limits)],
  });
  const readPart = (path: string): string | null => {
    const entry = archive.entries.get(path);
    if (!entry) return null;
    const text = archive.readText(
      entry,
      Math.min(limits.maxDecompressedBytes, MAX_WHOLE_PART_BYTES),
    );
    refuseDoctype(text);
    return text;
  };

  const rootRelationships = readPart('_rels/.rels');
  const workbookPath =
    (rootRelationships &&
      elementAttributes(rootRelationships, 'Relationship')
        .find((relationship) => relationship.get('Type')?.endsWith('/officeDocument'))
        ?.get('Target')
        ?.replace(/^\/+/, '')) ||
    'xl/workbook.xml';
  const workbookXml = readPart(workbookPath);
  if (workbookXml === null) {
    // LibreOffice's own format: its first part names it (ISO/IEC 26300, "mimetype").
    if (readPart('mimetype')?.trim().startsWith('application/vnd.oasis.opendocument.spreadsheet'))
      throw new FileProblem(
        'notSpreadsheet',
        'This is an OpenDocument spreadsheet (.ods), which this service does not read. Save it as an Excel workbook (.xlsx) or as CSV, then upload that.',
      );
    throw new FileProblem(
      'notSpreadsheet',
      'This file is a ZIP archive but not an Excel workbook. Upload an .xlsx or CSV file.',
    );
  }
  const folder = workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1);
  const relationshipsXml =
    readPart(`${folder}_rels/${workbookPath.slice(folder.length)}.rels`) ?? '';
  const targets = new Map<string, string>();
  for (const relationship of elementAttributes(relationshipsXml, 'Relationship')) {
    if (!relationship.get('Type')?.endsWith('/worksheet')) continue;
    const target = relationship.get('Target') ?? '';
    targets.set(
      relationship.get('Id') ?? '',
      target.startsWith('/') ? target.slice(1) : resolvePath(folder, target),
    );
  }
  const date1904 = elementAttributes(workbookXml, 'workbookPr').some((properties) => {
    const value = properties.get('date1904');
    return value === '1' || value === 'true';
  });

  const stylesPath = partPath(relationshipsXml, '/styles', folder) ?? `${folder}styles.xml`;
  const dateStyles = dateStyleIndexes(readPart(stylesPath) ?? '');
  const sharedStringsPath =
    partPath(relationshipsXml, '/sharedStrings', folder) ?? `${folder}sharedStrings.xml`;
  const sharedStringsXml = readPart(sharedStringsPath);
  const sharedStrings = sharedStringsXml === null ? null : new LazySharedStrings(sharedStringsXml);

  const sheets: SheetSource[] = [];
  for (const sheet of elementAttributes(workbookXml, 'sheet')) {
    const relationshipId = [...sheet].find(([name]) => name.endsWith(':id'))?.[1];
    const path = relationshipId === undefined ? undefined : targets.get(relationshipId);
    const entry = path === undefined ? undefined : archive.entries.get(path);
    if (!entry) continue;
    const context: SheetContext = { archive, entry, limits, dateStyles, sharedStrings, date1904 };
    sheets.push({
      name: sheet.get('name') ?? '',
      rows: (selection) => readSheetRows(context, selection),
    });
  }
  return { sheets };
}

function oleProblem(bytes: Uint8Array): FileProblem {
  // Encrypted OOXML is an OLE compound file holding an "EncryptionInfo" stream (UTF-16 name).
  if (
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(
      Buffer.from('EncryptionInfo', 'utf16le'),
    )
  ) {
    return new FileProblem(
      'encrypted',
      'This workbook is password-protected or encrypted. Remove the password in Excel (File > Info > Protect Workbook > Encrypt with Password, then clear it), save, and upload again.',
    );
  }
  return new FileProblem(
    'legacyXls',
    'This is an old-style Excel file (.xls). Open it in Excel and save it as Excel Workbook (.xlsx) or CSV, then upload that.',
  );
}

function refuseDoctype(xmlStart: string): void {
  const prolog = xmlStart.slice(0, 4096);
  if (prolog.includes('<!DOCTYPE') || prolog.includes('<!ENTITY')) {
    throw new FileProblem(
      'unsafeXml',
      'The workbook contains a document type declaration (DOCTYPE), which Excel never writes and which can be used to attack servers. Save the file again from Excel and upload the new copy.',
    );
  }
}

function resolvePath(folder: string, target: string): string {
  const parts = `${folder}${target}`.split('/');
  const resolved: string[] = [];
  for (const part of parts) {
    if (part === '..') resolved.pop();
    else if (part !== '.' && part !== '') resolved.push(part);
  }
  return resolved.join('/');
}

function partPath(
  relationshipsXml: string,
  typeSuffix: string,
  folder: string,
): string | undefined {
  const target = elementAttributes(relationshipsXml, 'Relationship')
    .find((relationship) => relationship.get('Type')?.endsWith(typeSuffix))
    ?.get('Target');
  if (target === undefined) return undefined;
  return target.startsWith('/') ? target.slice(1) : resolvePath(folder, target);
}

/** For each cell style index, whether its number format shows a date. */
function dateStyleIndexes(stylesXml: string): boolean[] {
  const customFormats = new Map<string, string>();
  for (const format of elementAttributes(stylesXml, 'numFmt')) {
    customFormats.set(format.get('numFmtId') ?? '', format.get('formatCode') ?? '');
  }
  const cellXfsStart = stylesXml.search(/<(?:[A-Za-z0-9_]+:)?cellXfs[\s>]/);
  if (cellXfsStart < 0) return [];
  const cellXfsEnd = stylesXml.search(/<\/(?:[A-Za-z0-9_]+:)?cellXfs>/);
  const cellXfs = stylesXml.slice(cellXfsStart, cellXfsEnd < 0 ? undefined : cellXfsEnd);
  return elementAttributes(cellXfs, 'xf').map((style) => {
    const formatId = style.get('numFmtId') ?? '0';
    return isDateFormatCode(Number(formatId), customFormats.get(formatId));
  });
}

/**
 * The shared-string table, indexed once by item position and decoded item by item on first use.
 */
class LazySharedStrings {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly decoded: Array<string | undefined> = [];
  private readonly prefix: string;

  constructor(private readonly xml: string) {
    this.prefix = /<([A-Za-z0-9_]+:)?sst[\s>]/.exec(xml)?.[1] ?? '';
    const itemOpen = `<${this.prefix}si`;
    const itemClose = `</${this.prefix}si>`;
    let position = 0;
    for (;;) {
      const open = xml.indexOf(itemOpen, position);
      if (open < 0) break;
      const tagEnd = xml.indexOf('>', open);
      if (tagEnd < 0) break;
      if (xml.charCodeAt(tagEnd - 1) === SLASH) {
        this.starts.push(tagEnd);
        this.ends.push(tagEnd);
        position = tagEnd + 1;
        continue;
      }
      const close = xml.indexOf(itemClose, tagEnd);
      if (close < 0) break;
      this.starts.push(tagEnd + 1);
      this.ends.push(close);
      position = close + itemClose.length;
    }
  }

  get(index: number): string | null {
    const cached = this.decoded[index];
    if (cached !== undefined) return cached;
    const start = this.starts[index];
    const end = this.ends[index];
    if (start === undefined || end === undefined) return null;
    const text = itemText(this.xml, start, end, this.prefix);
    this.decoded[index] = text;
    return text;
  }
}

interface SheetContext {
  readonly archive: ZipArchive;
  readonly entry: ZipEntry;
  readonly limits: ReadLimits;
  readonly dateStyles: readonly boolean[];
  readonly sharedStrings: LazySharedStrings | null;
  readonly date1904: boolean;
}

/** Cell type attribute values, by their first letters. */
enum CellType {
  Number,
  Shared,
  Inline,
  FormulaString,
  Boolean,
  Error,
  IsoDate,
}

function* readSheetRows(context: SheetContext, selection: ColumnSelection): Generator<SheetRow> {
  const decoder = new TextDecoder('utf-8');
  let buffer = '';
  let first = true;
  let tags: SheetTags | null = null;
  let nextRowNumber = 1;
  for (const chunk of context.archive.inflate(context.entry, context.limits.maxDecompressedBytes)) {
    buffer += decoder.decode(chunk, { stream: true });
    if (first) {
      refuseDoctype(buffer);
      first = false;
    }
    tags ??= sheetTags(buffer);
    if (tags === null) continue;
    let position = 0;
    for (;;) {
      const rowOpen = findTag(buffer, tags.rowOpen, position);
      if (rowOpen < 0) {
        // Keep a tail that might be the start of a split "<row" tag.
        position = Math.max(position, buffer.length - tags.rowOpen.length);
        break;
      }
      const tagEnd = buffer.indexOf('>', rowOpen);
      if (tagEnd < 0) {
        position = rowOpen;
        break;
      }
      const rowNumber =
        numberAttribute(buffer, rowOpen + tags.rowOpen.length, tagEnd, 114) ?? nextRowNumber;
      nextRowNumber = rowNumber + 1;
      if (buffer.charCodeAt(tagEnd - 1) === SLASH) {
        position = tagEnd + 1;
        continue;
      }
      const rowClose = buffer.indexOf(tags.rowClose, tagEnd);
      if (rowClose < 0) {
        position = rowOpen;
        nextRowNumber = rowNumber;
        break;
      }
      const row = parseRow(
        buffer,
        tagEnd + 1,
        rowClose,
        rowNumber,
        tags,
        context,
        selection.columns,
      );
      position = rowClose + tags.rowClose.length;
      if (row !== null) yield row;
    }
    buffer = buffer.slice(position);
    if (buffer.length > MAX_ROW_CHARACTERS) throw decompressedTooLarge(MAX_ROW_CHARACTERS);
  }
}

interface SheetTags {
  readonly rowOpen: string;
  readonly rowClose: string;
  readonly cellOpen: string;
  readonly cellClose: string;
  readonly valueOpen: string;
  readonly valueClose: string;
  readonly inlineOpen: string;
  readonly inlineClose: string;
  readonly prefix: string;
}

/** Tag names with the worksheet's namespace prefix, if it uses one (`<x:row>`). */
function sheetTags(xml: string): SheetTags | null {
  const root = /<([A-Za-z0-9_]+:)?worksheet[\s>]/.exec(xml);
  if (!root) return xml.length > 65536 ? sheetTags('<worksheet>') : null;
  const prefix = root[1] ?? '';
  return {
    rowOpen: `<${prefix}row`,
    rowClose: `</${prefix}row>`,
    cellOpen: `<${prefix}c`,
    cellClose: `</${prefix}c>`,
    valueOpen: `<${prefix}v>`,
    valueClose: `</${prefix}v>`,
    inlineOpen: `<${prefix}is>`,
    inlineClose: `</${prefix}is>`,
    prefix,
  };
}

/** The next `<name` followed by a space, `>` or `/` (so `<row` never matches `<rowBreaks`). */
function findTag(xml: string, open: string, from: number): number {
  let position = from;
  for (;;) {
    const found = xml.indexOf(open, position);
    if (found < 0) return -1;
    const next = xml.charCodeAt(found + open.length);
    if (next === SPACE || next === GT || next === SLASH || next === 9 || next === 10 || next === 13)
      return found;
    if (Number.isNaN(next)) return -1;
    position = found + open.length;
  }
}

/** The integer value of a one-letter attribute (`r`, `s`) in the tag between `from` and `to`. */
function numberAttribute(
  xml: string,
  from: number,
  to: number,
  nameCode: number,
): number | undefined {
  const start = attributeStart(xml, from, to, nameCode);
  if (start < 0) return undefined;
  let value = 0;
  for (let position = start; position < to; position++) {
    const digit = xml.charCodeAt(position) - 48;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  return value;
}

/** Where the value of one-letter attribute `nameCode` starts, or -1. */
function attributeStart(xml: string, from: number, to: number, nameCode: number): number {
  for (let position = from; position < to - 2; position++) {
    if (
      xml.charCodeAt(position) === nameCode &&
      xml.charCodeAt(position + 1) === 61 &&
      xml.charCodeAt(position + 2) === QUOTE &&
      xml.charCodeAt(position - 1) <= SPACE
    ) {
      return position + 3;
    }
  }
  return -1;
}

function cellType(xml: string, from: number, to: number): CellType {
  const start = attributeStart(xml, from, to, 116);
  if (start < 0) return CellType.Number;
  switch (xml.charCodeAt(start)) {
    case 115: // s, str
      return xml.charCodeAt(start + 1) === QUOTE ? CellType.Shared : CellType.FormulaString;
    case 105: // inlineStr
      return CellType.Inline;
    case 98: // b
      return CellType.Boolean;
    case 101: // e
      return CellType.Error;
    case 100: // d
      return CellType.IsoDate;
    default:
      return CellType.Number;
  }
}

/** Column index (0-based) from a reference such as `AB12`, or -1 without one. */
function columnIndex(xml: string, from: number, to: number): number {
  const start = attributeStart(xml, from, to, 114);
  if (start < 0) return -1;
  let index = 0;
  for (let position = start; ; position++) {
    const code = xml.charCodeAt(position);
    if (code >= 65 && code <= 90) index = index * 26 + (code - 64);
    else if (code >= 97 && code <= 122) index = index * 26 + (code - 96);
    else break;
  }
  return index - 1;
}

function parseRow(
  xml: string,
  start: number,
  end: number,
  rowNumber: number,
  tags: SheetTags,
  context: SheetContext,
  mask: readonly boolean[] | null,
): SheetRow | null {
  const cells: CellValue[] = [];
  let hasContent = false;
  let nextColumn = 0;
  let position = start;
  for (;;) {
    const open = findTag(xml, tags.cellOpen, position);
    if (open < 0 || open >= end) break;
    const tagEnd = xml.indexOf('>', open);
    const attributesFrom = open + tags.cellOpen.length;
    const referenced = columnIndex(xml, attributesFrom, tagEnd);
    const column = referenced >= 0 ? referenced : nextColumn;
    nextColumn = column + 1;
    if (xml.charCodeAt(tagEnd - 1) === SLASH) {
      position = tagEnd + 1;
      continue;
    }
    const close = xml.indexOf(tags.cellClose, tagEnd);
    position = close + tags.cellClose.length;
    if (mask !== null && mask[column] !== true) {
      // Note only that something is there; never decode it.
      if (close > tagEnd + 1) hasContent = true;
      continue;
    }
    const value = cellValue(xml, attributesFrom, tagEnd, close, tags, context);
    if (value === null) continue;
    while (cells.length < column) cells.push(null);
    cells[column] = value;
    hasContent = true;
  }
  return hasContent ? { rowNumber, cells } : null;
}

function cellValue(
  xml: string,
  attributesFrom: number,
  tagEnd: number,
  close: number,
  tags: SheetTags,
  context: SheetContext,
): CellValue {
  const type = cellType(xml, attributesFrom, tagEnd);
  if (type === CellType.Inline) {
    const inlineStart = xml.indexOf(tags.inlineOpen, tagEnd);
    if (inlineStart < 0 || inlineStart > close) return null;
    const text = itemText(xml, inlineStart, close, tags.prefix);
    return text === '' ? null : text;
  }
  const valueStart = xml.indexOf(tags.valueOpen, tagEnd);
  if (valueStart < 0 || valueStart > close) return null;
  const raw = xml.slice(
    valueStart + tags.valueOpen.length,
    xml.indexOf(tags.valueClose, valueStart),
  );
  switch (type) {
    case CellType.Shared: {
      const text = context.sharedStrings?.get(Number(raw)) ?? null;
      return text === '' ? null : text;
    }
    case CellType.FormulaString:
    case CellType.Error: {
      const text = decodeXmlText(raw);
      return text === '' ? null : text;
    }
    case CellType.Boolean:
      return raw === '1' || raw === 'true';
    case CellType.IsoDate:
      return isoDateCell(raw);
    case CellType.Number: {
      if (raw === '') return null;
      const number = Number(raw);
      if (Number.isNaN(number)) return decodeXmlText(raw);
      const style = numberAttribute(xml, attributesFrom, tagEnd, 115);
      if (style !== undefined && context.dateStyles[style] === true) {
        const unixDay =
          Math.floor(number) -
          (context.date1904 ? EXCEL_1904_TO_UNIX_DAYS : EXCEL_1900_TO_UNIX_DAYS);
        return { kind: 'date', date: fromDayNumber(unixDay) };
      }
      return number;
    }
  }
}

function isoDateCell(raw: string): CellValue {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(raw);
  if (!match) return raw === '' ? null : raw;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return isValidYmd(year, month, day) ? { kind: 'date', date: formatIso(year, month, day) } : raw;
}
