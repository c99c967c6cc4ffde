import { zipSync } from 'fflate';
import { columnRule, REQUIREMENT_NAMES, REQUIREMENT_RULES } from '../column-rules.ts';
import { writeCsv } from '../csv/csv-writer.ts';
import { LISTS, type ListId } from '../lists.ts';
import { MOST_REFERRAL_SOURCES, type ServiceReferralSource } from '../referral-sources.ts';
import { COLUMNS, type ColumnDefinition, type Requirement } from '../registry.ts';
import { columnLetters, escapeXml } from '../xlsx/xlsx-writer.ts';
import { TEMPLATE_SHEETS } from './template-sheets.ts';

/**
 * The standard spreadsheet template, generated from the column registry (never a hand-made copy):
 * a cover sheet (the colour key, do's and don'ts, the service's own referral sources), the
 * Referrals sheet (headings in the registry's order, colour-coded, frozen, with a note on each,
 * drop-downs, date and number checks, a duplicate check) and a hidden sheet of the lists.
 */

/** Rows of the Referrals sheet made ready with checks and the duplicate formula. */
export const TEMPLATE_ROWS = 2000;
const TEMPLATE_FILE_TIME = new Date('2024-01-01T00:00:00Z');
/** Rows of the cover's referral source table: as many as a service may list. */
const REFERRAL_SOURCE_ROWS = MOST_REFERRAL_SOURCES;

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const TYPE_NS = 'http://schemas.openxmlformats.org/package/2006/content-types';
const CONTENT = 'application/vnd.openxmlformats-officedocument';

/** NHS identity colours, one per requirement, with the key on the cover. */
const REQUIREMENT_STYLE: Readonly<Record<Requirement, number>> = { M: 3, H: 4, O: 5, N: 6 };
const STYLE = { date: 1, bold: 2, title: 7, wrap: 8 } as const;
/** Excel's serial numbers for 1 January 1900 and 31 December 2100: the date checks' range. */
const FIRST_DATE = 1;
const LAST_DATE = 73415;

const STYLES = `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><fonts count="4"><font><sz val="11"/><name val="Arial"/></font><font><b/><sz val="11"/><name val="Arial"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Arial"/></font><font><b/><sz val="16"/><name val="Arial"/></font></fonts><fills count="6"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FF005EB8"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FF41B6E6"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFE8EDEE"/></patternFill></fill><fill><patternFill patternType="solid"><fgColor rgb="FFFFB81C"/></patternFill></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="9"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>${[
  2, 3, 4, 5,
]
  .map(
    (fill, index) =>
      `<xf numFmtId="0" fontId="${index === 0 ? 2 : 1}" fillId="${fill}" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf>`,
  )
  .join(
    '',
  )}<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment wrapText="1" vertical="top"/></xf></cellXfs></styleSheet>`;

const stringCell = (reference: string, text: string, style = 0) =>
  `<c r="${reference}" t="inlineStr"${style ? ` s="${style}"` : ''}><is><t xml:space="preserve">${escapeXml(text)}</t></is></c>`;

const row = (number: number, cells: string, height?: number) =>
  `<row r="${number}"${height ? ` ht="${height}" customHeight="1"` : ''}>${cells}</row>`;

/** Lists hold one column each on the hidden Lists sheet, in the registry's list order. */
const LIST_IDS = Object.keys(LISTS) as ListId[];
const listName = (id: ListId) => `List_${id}`;

function listsSheet(): string {
  const longest = Math.max(...LIST_IDS.map((id) => LISTS[id].values.length));
  const rows = [
    row(
      1,
      LIST_IDS.map((id, index) =>
        stringCell(`${columnLetters(index)}1`, LISTS[id].name, STYLE.bold),
      ).join(''),
    ),
  ];
  for (let index = 0; index < longest; index++) {
    const cells = LIST_IDS.map((id, column) => {
      const value = LISTS[id].values[index];
      return value === undefined ? '' : stringCell(`${columnLetters(column)}${index + 2}`, value);
    }).join('');
    rows.push(row(index + 2, cells));
  }
  return `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${rows.join('')}</sheetData></worksheet>`;
}

const COVER_LINES = {
  do: [
    'Keep one row per referral episode: a client referred again gets a new row, with the same client ID and the new referral date.',
    'Keep the headings exactly as they are, on the first row of the Referrals sheet.',
    'Enter dates as DD/MM/YYYY, for example 05/03/2024.',
    'Add any columns of your own to the right of the last heading: the tool lists them as not read.',
    "Choose each referral source from the drop-down: it offers your service's referral sources, listed below. Your service manager keeps the list in IPS Reporting; download the template from your team's upload page to have it here. Any other value is counted as not on the service's list.",
    'Enter the local authority of residence as the English district the client lives in, by its name or ONS code (for example Leeds or E08000035).',
  ],
  dont: [
    'Do not split the referrals over several tabs: only the Referrals sheet is read.',
    'Do not rename, merge, move into another row or delete the headings.',
    'Do not type over the Duplicate client ID check column: it flags a client ID entered twice with the same referral date.',
  ],
};

/** The cover, and the first row of its referral source table, which the drop-down reads. */
function coverSheet(referralSources: readonly ServiceReferralSource[]): {
  xml: string;
  referralSourceFirstRow: number;
} {
  const rows: string[] = [];
  let number = 0;
  const add = (cells: (reference: number) => string, height?: number) => {
    number++;
    rows.push(row(number, cells(number), height));
  };
  add((n) => stringCell(`A${n}`, 'IPS standard spreadsheet', STYLE.title), 24);
  add((n) =>
    stringCell(
      `A${n}`,
      'Generated by IPS Reporting from its list of columns. Upload it, or a copy with the same headings, as XLSX or CSV.',
    ),
  );
  add(() => '');
  add((n) => stringCell(`A${n}`, 'What the colours of the headings mean', STYLE.bold));
  for (const requirement of ['M', 'H', 'O', 'N'] as const) {
    add(
      (n) =>
        stringCell(`A${n}`, REQUIREMENT_NAMES[requirement], REQUIREMENT_STYLE[requirement]) +
        stringCell(`B${n}`, REQUIREMENT_RULES[requirement], STYLE.wrap),
      30,
    );
  }
  add(() => '');
  add((n) => stringCell(`A${n}`, 'Do', STYLE.bold));
  for (const line of COVER_LINES.do) add((n) => stringCell(`B${n}`, line, STYLE.wrap), 30);
  add(() => '');
  add((n) => stringCell(`A${n}`, "Don't", STYLE.bold));
  for (const line of COVER_LINES.dont) add((n) => stringCell(`B${n}`, line, STYLE.wrap), 30);
  add(() => '');
  add(
    (n) =>
      stringCell(`A${n}`, 'Your referral sources', REQUIREMENT_STYLE.O) +
      stringCell(`B${n}`, 'National category', REQUIREMENT_STYLE.O),
  );
  const referralSourceFirstRow = number + 1;
  for (const source of referralSources) {
    add((n) => stringCell(`A${n}`, source.name) + stringCell(`B${n}`, source.category));
  }
  return {
    xml: `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><cols><col min="1" max="1" width="40" customWidth="1"/><col min="2" max="2" width="100" customWidth="1"/></cols><sheetData>${rows.join('')}</sheetData></worksheet>`,
    referralSourceFirstRow,
  };
}

function validationFor(column: ColumnDefinition, range: string): string {
  if (column.requirement === 'N') return '';
  const checked = (attributes: string, formulas: string, error: string) =>
    `<dataValidation ${attributes} allowBlank="1" showErrorMessage="1" errorTitle="${escapeXml(column.heading)}" error="${escapeXml(error)}" sqref="${range}">${formulas}</dataValidation>`;
  switch (column.type) {
    case 'date':
      return checked(
        'type="date" operator="between"',
        `<formula1>${FIRST_DATE}</formula1><formula2>${LAST_DATE}</formula2>`,
        'Enter a date as DD/MM/YYYY, for example 05/03/2024.',
      );
    case 'hours':
      return checked(
        'type="decimal" operator="between"',
        '<formula1>0</formula1><formula2>80</formula2>',
        'Enter the hours per week as a number from 0 to 80.',
      );
    case 'yesNo':
      return checked('type="list"', '<formula1>"Yes,No"</formula1>', 'Choose Yes or No.');
    case 'list':
    case 'listOrCode':
      // A warning, not a stop: the tool keeps an unlisted value as "Other / not recognised".
      return column.list
        ? checked(
            'type="list" errorStyle="warning"',
            `<formula1>${listName(column.list)}</formula1>`,
            'This value is not in the list: the tool will count it as "Other / not recognised".',
          )
        : '';
    default:
      return column.key === 'referralSource'
        ? checked(
            'type="list" errorStyle="information"',
            '<formula1>ReferralSources</formula1>',
            'Add this referral source to the table on the cover sheet to offer it in the list.',
          )
        : '';
  }
}

function dataSheet(): string {
  const lastRow = TEMPLATE_ROWS + 1;
  const letterOf = (key: string) =>
    columnLetters(COLUMNS.findIndex((column) => column.key === key));
  const clientId = letterOf('clientId');
  const referralDate = letterOf('referralDate');
  const duplicateColumn = COLUMNS.findIndex((column) => column.key === 'duplicateClientIdCheck');
  const widths = COLUMNS.map(
    (column, index) =>
      `<col min="${index + 1}" max="${index + 1}" width="${Math.min(Math.max(column.heading.length * 1.1 + 4, 12), 60).toFixed(1)}" customWidth="1"${'type' in column && column.type === 'date' ? ` style="${STYLE.date}"` : ''}/>`,
  ).join('');
  const headings = row(
    1,
    COLUMNS.map((column, index) =>
      stringCell(`${columnLetters(index)}1`, column.heading, REQUIREMENT_STYLE[column.requirement]),
    ).join(''),
    45,
  );
  const duplicate = columnLetters(duplicateColumn);
  let body = headings;
  for (let number = 2; number <= lastRow; number++) {
    const formula = `IF(OR(${clientId}${number}="",${referralDate}${number}=""),"",IF(COUNTIFS($${clientId}$2:$${clientId}$${lastRow},${clientId}${number},$${referralDate}$2:$${referralDate}$${lastRow},${referralDate}${number})>1,"Repeated client ID and referral date",""))`;
    body += row(number, `<c r="${duplicate}${number}" t="str"><f>${escapeXml(formula)}</f></c>`);
  }
  const validations = COLUMNS.map((column, index) => {
    const letter = columnLetters(index);
    return validationFor(column, `${letter}2:${letter}${lastRow}`);
  }).filter((validation) => validation !== '');
  return `${XML_HEAD}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetViews><sheetView workbookViewId="0" tabSelected="1"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${widths}</cols><sheetData>${body}</sheetData><dataValidations count="${validations.length}">${validations.join('')}</dataValidations><legacyDrawing r:id="rId1"/></worksheet>`;
}

/** A note on each heading with its rule: Excel's comments, drawn by a VML shape each. */
function headingNotes(): { comments: string; drawing: string } {
  const comments = COLUMNS.map(
    (column, index) =>
      `<comment ref="${columnLetters(index)}1" authorId="0"><text><r><rPr><b/><sz val="9"/><rFont val="Arial"/></rPr><t xml:space="preserve">${escapeXml(`${column.heading}: ${REQUIREMENT_NAMES[column.requirement].toLowerCase()}.`)}</t></r><r><rPr><sz val="9"/><rFont val="Arial"/></rPr><t xml:space="preserve">${escapeXml(` ${columnRule(column)}`)}</t></r></text></comment>`,
  ).join('');
  const shapes = COLUMNS.map(
    (_column, index) =>
      `<v:shape id="_x0000_s${1025 + index}" type="#_x0000_t202" style="position:absolute;margin-left:80pt;margin-top:2pt;width:220pt;height:90pt;z-index:${index + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${index + 1}, 15, 0, 2, ${index + 4}, 15, 6, 2</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>0</x:Row><x:Column>${index}</x:Column></x:ClientData></v:shape>`,
  ).join('');
  return {
    comments: `${XML_HEAD}<comments xmlns="${MAIN_NS}"><authors><author>IPS Reporting</author></authors><commentList>${comments}</commentList></comments>`,
    drawing: `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>${shapes}</xml>`,
  };
}

/**
 * The template, its cover listing a service's referral sources: the public template has none,
 * each team's upload page gives its service's.
 */
export function templateWorkbook(
  referralSources: readonly ServiceReferralSource[] = [],
): Uint8Array {
  const encode = (text: string) => new TextEncoder().encode(text);
  const { xml: cover, referralSourceFirstRow } = coverSheet(referralSources);
  const data = dataSheet();
  const notes = headingNotes();
  const quote = (name: string) => `'${name.replace(/'/g, "''")}'`;
  const definedNames = [
    ...LIST_IDS.map((id, index) => {
      const letter = columnLetters(index);
      return `<definedName name="${listName(id)}">${TEMPLATE_SHEETS.lists}!$${letter}$2:$${letter}$${LISTS[id].values.length + 1}</definedName>`;
    }),
    `<definedName name="ReferralSources">${escapeXml(quote(TEMPLATE_SHEETS.cover))}!$A$${referralSourceFirstRow}:$A$${referralSourceFirstRow + REFERRAL_SOURCE_ROWS - 1}</definedName>`,
  ].join('');
  const sheets = [TEMPLATE_SHEETS.cover, TEMPLATE_SHEETS.data, TEMPLATE_SHEETS.lists];
  return zipSync(
    {
      '[Content_Types].xml': encode(
        `${XML_HEAD}<Types xmlns="${TYPE_NS}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="vml" ContentType="${CONTENT}.vmlDrawing"/><Override PartName="/xl/workbook.xml" ContentType="${CONTENT}.spreadsheetml.sheet.main+xml"/>${sheets.map((_sheet, index) => `<Override PartName="/xl/worksheets/sheet${index + 1}.xml" ContentType="${CONTENT}.spreadsheetml.worksheet+xml"/>`).join('')}<Override PartName="/xl/comments1.xml" ContentType="${CONTENT}.spreadsheetml.comments+xml"/><Override PartName="/xl/styles.xml" ContentType="${CONTENT}.spreadsheetml.styles+xml"/></Types>`,
      ),
      '_rels/.rels': encode(
        `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
      ),
      'xl/workbook.xml': encode(
        `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><workbookPr/><bookViews><workbookView activeTab="1"/></bookViews><sheets>${sheets.map((name, index) => `<sheet name="${escapeXml(name)}" sheetId="${index + 1}"${name === TEMPLATE_SHEETS.lists ? ' state="hidden"' : ''} r:id="rId${index + 1}"/>`).join('')}</sheets><definedNames>${definedNames}</definedNames><calcPr calcId="191029" fullCalcOnLoad="1"/></workbook>`,
      ),
      'xl/_rels/workbook.xml.rels': encode(
        `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}">${sheets.map((_sheet, index) => `<Relationship Id="rId${index + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${index + 1}.xml"/>`).join('')}<Relationship Id="rId${sheets.length + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`,
      ),
      'xl/styles.xml': encode(STYLES),
      'xl/worksheets/sheet1.xml': encode(cover),
      'xl/worksheets/sheet2.xml': encode(data),
      'xl/worksheets/sheet3.xml': encode(listsSheet()),
      'xl/worksheets/_rels/sheet2.xml.rels': encode(
        `${XML_HEAD}<Relationships xmlns="${PACKAGE_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/vmlDrawing" Target="../drawings/vmlDrawing1.vml"/><Relationship Id="rId2" Type="${REL_NS}/comments" Target="../comments1.xml"/></Relationships>`,
      ),
      'xl/comments1.xml': encode(notes.comments),
      'xl/drawings/vmlDrawing1.vml': encode(notes.drawing),
    },
    // A fixed time in every entry, so the same registry always gives the same file.
    { level: 6, mtime: TEMPLATE_FILE_TIME },
  );
}

/** The CSV variant: the headings alone, in the registry's order. */
export function templateCsv(): string {
  return writeCsv(
    COLUMNS.map(({ heading }) => heading),
    [],
  );
}
