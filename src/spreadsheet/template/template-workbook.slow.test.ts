import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { runIpsReport } from '../../../test/support/cli-harness.ts';
import { toDayNumber } from '../../calendar/calendar-date.ts';
import { ingestFiles } from '../../ingest/ingest.ts';
import { LISTS } from '../lists.ts';
import { ReferralSourceList } from '../referral-sources.ts';
import { COLUMNS, type ColumnDefinition } from '../registry.ts';
import { columnLetters, escapeXml } from '../xlsx/xlsx-writer.ts';
import { TEMPLATE_SHEETS } from './template-sheets.ts';
import { templateCsv, templateWorkbook } from './template-workbook.ts';

const parts = unzipSync(templateWorkbook());
const part = (path: string) => strFromU8(parts[path] ?? new Uint8Array());
const dataSheet = part('xl/worksheets/sheet2.xml');

/** A valid value for each column of a row, so the filled template has no problem at all. */
function valueFor(column: ColumnDefinition, client: number): string | number {
  const date = (iso: string) => toDayNumber(iso) + 25569;
  if (column.requirement === 'N') return 'kept by the service only';
  if (column.key === 'clientId') return `C${client}`;
  if (column.key === 'dateOfBirth') return date('1990-05-05');
  if (column.key === 'caseloadStatus') return 'Discharged';
  const job = /^job(\d)\.(\w+)$/.exec(column.key);
  switch (column.type) {
    case 'date': {
      // Job n from the 2nd to the 20th of month n + 1: after the referral, one after another.
      if (job) return date(`2025-0${Number(job[1]) + 1}-${job[2] === 'startDate' ? '02' : '20'}`);
      const dates: Record<string, string> = {
        referralDate: '2025-01-10',
        firstContactDate: '2025-01-12',
        vpStartDate: '2025-01-20',
        employerContactDate: '2025-01-28',
        dischargeDate: '2025-12-01',
      };
      return date(dates[column.key] ?? '2025-01-10');
    }
    case 'hours':
      return 20;
    case 'yesNo':
      return 'Yes';
    case 'initials':
      return 'AB';
    case 'list':
    case 'listOrCode':
      return column.list ? (LISTS[column.list].values[0] ?? '') : '';
    case 'referralSource':
      return 'GP surgery';
    case 'localAuthority':
      return 'Leeds';
    default:
      return 'C001';
  }
}

/** Types rows into the template's Referrals sheet, keeping its duplicate check formulas. */
function fillTemplate(clients: readonly number[]): Uint8Array {
  const filled = dataSheet.replace(/<row r="(\d+)">(.*?)<\/row>/g, (whole, number, cells) => {
    const client = clients[Number(number) - 2];
    if (client === undefined) return whole;
    const typed = COLUMNS.map((column, index) => {
      const reference = `${columnLetters(index)}${number}`;
      if (column.key === 'duplicateClientIdCheck') return cells;
      const value = valueFor(column, client);
      const isDate = 'type' in column && column.type === 'date';
      return typeof value === 'number'
        ? `<c r="${reference}"${isDate ? ' s="1"' : ''}><v>${value}</v></c>`
        : `<c r="${reference}" t="inlineStr"><is><t>${escapeXml(value)}</t></is></c>`;
    }).join('');
    return `<row r="${number}">${typed}</row>`;
  });
  return zipSync({ ...parts, 'xl/worksheets/sheet2.xml': strToU8(filled) });
}

describe('the standard spreadsheet template', () => {
  test('headings in the registry’s order, colour-coded by requirement, the header row frozen', () => {
    const headings = [
      ...dataSheet.matchAll(/<c r="[A-Z]+1" t="inlineStr" s="(\d)"><is><t[^>]*>([^<]*)</g),
    ];
    assert.deepEqual(
      headings.map((match) => match[2]?.replace(/&amp;/g, '&')),
      COLUMNS.map((column) => column.heading),
    );
    const styleOf = { M: '3', H: '4', O: '5', N: '6' } as const;
    assert.deepEqual(
      headings.map((match) => match[1]),
      COLUMNS.map((column) => styleOf[column.requirement]),
    );
    assert.match(
      dataSheet,
      /<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"\/>/,
    );
  });

  test('a drop-down for every list and Yes/No column; date and hours checks', () => {
    for (const [index, column] of COLUMNS.entries()) {
      if (column.requirement === 'N') continue;
      const range = `${columnLetters(index)}2:`;
      const validation = new RegExp(
        `<dataValidation ([^>]*)sqref="${range}[^"]*">(.*?)</dataValidation>`,
      ).exec(dataSheet);
      if (column.list)
        assert.match(validation?.[2] ?? '', new RegExp(`List_${column.list}`), column.heading);
      else if (column.type === 'yesNo')
        assert.match(validation?.[2] ?? '', /"Yes,No"/, column.heading);
      else if (column.type === 'date')
        assert.match(validation?.[1] ?? '', /type="date"/, column.heading);
      else if (column.type === 'hours')
        assert.match(validation?.[1] ?? '', /type="decimal"/, column.heading);
      else if (column.key === 'referralSource')
        assert.match(validation?.[2] ?? '', /ReferralSources/, column.heading);
    }
  });

  test("a service's template lists its referral sources where the drop-down reads them", () => {
    const own = unzipSync(
      templateWorkbook([
        { name: 'Leeds CMHT', category: 'Community mental health team' },
        { name: 'GP surgery', category: 'Primary care or GP' },
      ]),
    );
    const range = /<definedName name="ReferralSources">[^!]*!\$A\$(\d+):\$A\$(\d+)</.exec(
      strFromU8(own['xl/workbook.xml'] ?? new Uint8Array()),
    );
    assert.ok(range);
    const first = Number(range[1]);
    assert.equal(Number(range[2]) - first + 1, 50);
    const cover = strFromU8(own['xl/worksheets/sheet1.xml'] ?? new Uint8Array());
    const cell = (reference: string) =>
      new RegExp(`<c r="${reference}"[^>]*><is><t[^>]*>([^<]*)</t>`).exec(cover)?.[1];
    assert.equal(cell(`A${first}`), 'Leeds CMHT');
    assert.equal(cell(`B${first}`), 'Community mental health team');
    assert.equal(cell(`A${first + 1}`), 'GP surgery');
    assert.equal(cell(`A${first + 2}`), undefined);
    // The public template's table is empty, for a service to fill in.
    assert.doesNotMatch(part('xl/worksheets/sheet1.xml'), /Leeds CMHT/);
  });

  test('the lists sheet holds every list exactly as the registry has it', () => {
    const workbook = part('xl/workbook.xml');
    const lists = part('xl/worksheets/sheet3.xml');
    for (const [id, list] of Object.entries(LISTS)) {
      const name = new RegExp(
        `<definedName name="List_${id}">Lists!\\$([A-Z]+)\\$2:\\$[A-Z]+\\$(\\d+)<`,
      ).exec(workbook);
      assert.ok(name, `List_${id} defined`);
      assert.equal(Number(name[2]) - 1, list.values.length, `List_${id} covers its values`);
      const column = name[1] ?? '';
      const values = [
        ...lists.matchAll(
          new RegExp(`<c r="${column}(\\d+)" t="inlineStr"><is><t[^>]*>([^<]*)<`, 'g'),
        ),
      ]
        .filter((match) => Number(match[1]) > 1)
        .map((match) => match[2]?.replace(/&amp;/g, '&'));
      assert.deepEqual(values, list.values, list.name);
    }
    assert.match(
      workbook,
      new RegExp(`<sheet name="${TEMPLATE_SHEETS.lists}" sheetId="3" state="hidden"`),
    );
  });

  test('a note on every heading with its rule, and a duplicate check formula on every row', () => {
    const comments = part('xl/comments1.xml');
    assert.equal((comments.match(/<comment ref="[A-Z]+1"/g) ?? []).length, COLUMNS.length);
    assert.match(comments, /Referral date: mandatory\..*DD\/MM\/YYYY/);
    assert.equal((dataSheet.match(/<f>IF\(OR\(/g) ?? []).length, 2000);
  });

  test('filled with valid rows, it uploads with no errors and no warnings', () => {
    const result = ingestFiles([{ name: 'template.xlsx', bytes: fillTemplate([1, 2, 3]) }], {
      clientKeyOf: (id) => `key-${id}`,
      today: '2026-06-01',
      referralSources: new ReferralSourceList([
        { name: 'GP surgery', category: 'Primary care or GP' },
      ]),
    });
    assert.deepEqual(
      result.problems.map((problem) => `${problem.severity}: ${problem.description}`),
      [],
    );
    assert.equal(result.records.length, 3);
    assert.equal(result.records[0]?.record.jobs.length, 5);
  });

  test('empty, it says there are no rows yet', () => {
    const result = ingestFiles([{ name: 'template.xlsx', bytes: templateWorkbook() }], {
      clientKeyOf: (id) => id,
      today: '2026-06-01',
    });
    assert.deepEqual(
      result.problems.map((problem) => problem.code),
      ['noDataRows'],
    );
  });

  test('ips-report template writes the XLSX, or the CSV headings', () => {
    const folder = mkdtempSync(join(tmpdir(), 'ips-template-cli-'));
    try {
      const xlsx = runIpsReport(['template', join(folder, 'template.xlsx')]);
      assert.equal(xlsx.exitCode, 0, xlsx.stderr);
      assert.deepEqual(
        readFileSync(join(folder, 'template.xlsx')),
        Buffer.from(templateWorkbook()),
      );
      const csv = runIpsReport(['template', join(folder, 'template.csv')]);
      assert.equal(csv.exitCode, 0);
      assert.equal(readFileSync(join(folder, 'template.csv'), 'utf8'), templateCsv());
      assert.equal(runIpsReport(['template', join(folder, 'template.txt')]).exitCode, 2);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('the CSV variant is the headings alone', () => {
    assert.equal(templateCsv(), `${COLUMNS.map((column) => column.heading).join(',')}\r\n`);
  });

  const libreOffice = ['/usr/bin/libreoffice', '/usr/bin/soffice'].find(existsSync);
  test('LibreOffice opens it without complaint, and its Referrals sheet has the registry’s headings', {
    skip: libreOffice === undefined && 'LibreOffice is not installed',
  }, () => {
    const folder = mkdtempSync(join(tmpdir(), 'ips-template-'));
    try {
      writeFileSync(join(folder, 'template.xlsx'), templateWorkbook());
      // Sheet 2 (Referrals) as UTF-8 CSV.
      execFileSync(
        libreOffice as string,
        [
          '--headless',
          `-env:UserInstallation=file://${folder}/profile`,
          '--convert-to',
          'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,2',
          '--outdir',
          folder,
          join(folder, 'template.xlsx'),
        ],
        { stdio: 'pipe', timeout: 120_000 },
      );
      const csv = readdirSync(folder).find((name) => name.endsWith('.csv'));
      assert.ok(csv, 'converted');
      const firstLine = readFileSync(join(folder, csv), 'utf8').split(/\r?\n/)[0] ?? '';
      assert.equal(firstLine, templateCsv().trimEnd());
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
