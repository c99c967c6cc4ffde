import { Zip, ZipDeflate } from 'fflate';
import { toDayNumber } from '../../calendar/calendar-date.ts';
import type { CellValue } from '../cells.ts';

/**
 * A small streaming XLSX writer on fflate: strings (shared or inline), numbers, booleans and real
 * date cells shown as DD/MM/YYYY. Rows are compressed as they come, so a 100 000-row workbook
 * never exists as one big string. Used for generated test and benchmark files, the template and
 * exports.
 */

/** A cell to write: a value, or rich text made of runs (alternate runs bold) for tests. */
export type WritableCell = CellValue | { readonly richText: readonly string[] };

export interface SheetToWrite {
  readonly name: string;
  readonly rows: Iterable<readonly WritableCell[]>;
}

export interface XlsxWriteOptions {
  /** Dates counted from 1904 (old Mac Excel) instead of 1900. */
  readonly date1904?: boolean;
  readonly stringMode?: 'shared' | 'inline';
  /** Bold the first row (headings). */
  readonly boldFirstRow?: boolean;
}

const UNIX_DAY_TO_EXCEL_1900 = 25569;
const UNIX_DAY_TO_EXCEL_1904 = 24107;
const STYLE_DATE = 1;
const STYLE_BOLD = 2;
const ROWS_PER_CHUNK = 500;
const encoder = new TextEncoder();

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

/** Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF): dropped, or Excel refuses the file. */
function isXmlForbidden(code: number): boolean {
  return (
    (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) ||
    code === 0xfffe ||
    code === 0xffff
  );
}

function withoutForbiddenCharacters(text: string): string {
  let kept = '';
  let start = 0;
  for (let index = 0; index < text.length; index++) {
    if (!isXmlForbidden(text.charCodeAt(index))) continue;
    kept += text.slice(start, index);
    start = index + 1;
  }
  return start === 0 ? text : kept + text.slice(start);
}

export function escapeXml(text: string): string {
  return withoutForbiddenCharacters(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function textElement(text: string): string {
  const preserve = text !== text.trim() ? ' xml:space="preserve"' : '';
  return `<t${preserve}>${escapeXml(text)}</t>`;
}

function richRuns(runs: readonly string[]): string {
  return runs
    .map((run, index) => `<r>${index % 2 === 1 ? '<rPr><b/></rPr>' : ''}${textElement(run)}</r>`)
    .join('');
}

export function columnLetters(index: number): string {
  let letters = '';
  for (let remaining = index + 1; remaining > 0; remaining = Math.floor((remaining - 1) / 26)) {
    letters = String.fromCharCode(65 + ((remaining - 1) % 26)) + letters;
  }
  return letters;
}

/**
 * Sheet names Excel opens without repair: none of : \ / ? * [ ], no apostrophe at either end, at
 * most 31 characters, and no two the same (Excel ignores case).
 */
export function excelSheetNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    const clean =
      name
        .replace(/\s*:\s*/g, ' - ')
        .replace(/[\\/?*[\]]/g, '-')
        .replace(/^'+|'+$/g, '')
        .trim() || 'Sheet';
    for (let copy = 1; ; copy++) {
      const suffix = copy === 1 ? '' : ` (${copy})`;
      const candidate = `${clean.slice(0, 31 - suffix.length).trimEnd()}${suffix}`;
      if (taken.has(candidate.toLowerCase())) continue;
      taken.add(candidate.toLowerCase());
      return candidate;
    }
  });
}

export function writeXlsx(
  sheets: readonly SheetToWrite[],
  options: XlsxWriteOptions = {},
): Uint8Array {
  const output: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((error, chunk) => {
    if (error) failure = error;
    else output.push(chunk);
  });
  const addPart = (path: string, content: string) => {
    const part = new ZipDeflate(path, { level: 6 });
    zip.add(part);
    part.push(encoder.encode(content), true);
  };

  const sharedStrings = new Map<string, number>();
  const sharedItems: string[] = [];
  const shared = (item: string, key: string | null): number => {
    if (key !== null) {
      const existing = sharedStrings.get(key);
      if (existing !== undefined) return existing;
      sharedStrings.set(key, sharedItems.length);
    }
    sharedItems.push(item);
    return sharedItems.length - 1;
  };
  const inline = options.stringMode === 'inline';
  const serialOffset = options.date1904 ? UNIX_DAY_TO_EXCEL_1904 : UNIX_DAY_TO_EXCEL_1900;

  const cellXml = (value: WritableCell, reference: string, bold: boolean): string => {
    const style = bold ? ` s="${STYLE_BOLD}"` : '';
    if (value === null) return '';
    if (typeof value === 'number') return `<c r="${reference}"${style}><v>${value}</v></c>`;
    if (typeof value === 'boolean')
      return `<c r="${reference}"${style} t="b"><v>${value ? 1 : 0}</v></c>`;
    if (typeof value === 'string') {
      if (inline)
        return `<c r="${reference}"${style} t="inlineStr"><is>${textElement(value)}</is></c>`;
      return `<c r="${reference}"${style} t="s"><v>${shared(textElement(value), value)}</v></c>`;
    }
    if (!('richText' in value)) {
      return `<c r="${reference}" s="${STYLE_DATE}"><v>${toDayNumber(value.date) + serialOffset}</v></c>`;
    }
    if (inline)
      return `<c r="${reference}"${style} t="inlineStr"><is>${richRuns(value.richText)}</is></c>`;
    return `<c r="${reference}"${style} t="s"><v>${shared(richRuns(value.richText), null)}</v></c>`;
  };

  sheets.forEach((sheet, sheetIndex) => {
    const part = new ZipDeflate(`xl/worksheets/sheet${sheetIndex + 1}.xml`, { level: 6 });
    zip.add(part);
    let pending = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>`;
    let rowNumber = 0;
    for (const row of sheet.rows) {
      rowNumber++;
      const bold = rowNumber === 1 && options.boldFirstRow === true;
      let cells = '';
      row.forEach((value, column) => {
        cells += cellXml(value, `${columnLetters(column)}${rowNumber}`, bold);
      });
      pending += `<row r="${rowNumber}">${cells}</row>`;
      if (rowNumber % ROWS_PER_CHUNK === 0) {
        part.push(encoder.encode(pending));
        pending = '';
      }
    }
    part.push(encoder.encode(`${pending}</sheetData></worksheet>`), true);
  });

  const sheetEntries = sheets.map((sheet, index) => ({
    name: escapeXml(sheet.name),
    id: index + 1,
  }));
  addPart(
    '[Content_Types].xml',
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheetEntries.map(({ id }) => `<Override PartName="/xl/worksheets/sheet${id}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`).join('')}<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`,
  );
  addPart(
    '_rels/.rels',
    `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  );
  addPart(
    'xl/workbook.xml',
    `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr${options.date1904 ? ' date1904="1"' : ''}/><sheets>${sheetEntries.map(({ name, id }) => `<sheet name="${name}" sheetId="${id}" r:id="rId${id}"/>`).join('')}</sheets></workbook>`,
  );
  const stylesId = sheets.length + 1;
  addPart(
    'xl/_rels/workbook.xml.rels',
    `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}">${sheetEntries.map(({ id }) => `<Relationship Id="rId${id}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${id}.xml"/>`).join('')}<Relationship Id="rId${stylesId}" Type="${REL_NS}/styles" Target="styles.xml"/><Relationship Id="rId${stylesId + 1}" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>`,
  );
  addPart(
    'xl/styles.xml',
    `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="2"><font><sz val="11"/><name val="Arial"/></font><font><b/><sz val="11"/><name val="Arial"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs></styleSheet>`,
  );
  addPart(
    'xl/sharedStrings.xml',
    `${XML_HEAD}<sst xmlns="${MAIN_NS}" count="${sharedItems.length}" uniqueCount="${sharedItems.length}">${sharedItems.map((item) => `<si>${item}</si>`).join('')}</sst>`,
  );
  zip.end();
  if (failure) throw failure;
  const size = output.reduce((total, chunk) => total + chunk.length, 0);
  const workbook = new Uint8Array(size);
  let offset = 0;
  for (const chunk of output) {
    workbook.set(chunk, offset);
    offset += chunk.length;
  }
  return workbook;
}
