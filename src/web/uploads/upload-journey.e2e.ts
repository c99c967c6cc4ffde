import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import { runIpsReport } from '../../../test/support/cli-harness.ts';
import { testDatabases } from '../../../test/support/test-databases.ts';
import { startTestWeb, type TestWeb } from '../../../test/support/test-web.ts';
import { DEMO_ROLES, demoEmail, seedDemo } from '../../server/demo-data.ts';
import type { CellValue } from '../../spreadsheet/cells.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../../synthetic/referral-rows.ts';

/**
 * Issue 4's acceptance journey in a real browser, on every database the suite runs on: the demo
 * team leader uploads a generated XLSX (real date cells) into the Practice team, confirms, and
 * sees the figures ips-report gives for the same file; a second upload with edits shows the
 * right new / changed / unchanged counts; rolling back restores the first figures.
 */
const CHROMIUM = '/usr/bin/chromium';
const PASSWORD = 'demo journey password';
const COUNTS = [
  'referrals',
  'vpStarts',
  'activeCaseload',
  'jobStarts',
  'supportedIntoWork',
  'firstJobStarts',
  'sustained13',
  'sustained26',
  'sustained52',
  'discharges',
] as const;

async function headline(page: Page): Promise<Record<string, string>> {
  const figures: Record<string, string> = {};
  for (const id of COUNTS) {
    figures[id] = (
      (await page.locator(`.app-figure [data-metric="${id}"]`).first().textContent()) ?? ''
    )
      .replace(' – see the records', '')
      .trim();
  }
  return figures;
}

for (const testDatabase of testDatabases()) {
  describe(`the upload journey in a browser (${testDatabase.driver})`, {
    skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`,
  }, () => {
    let web: TestWeb;
    let browser: Browser;
    let baseUrl: string;
    let folder: string;

    before(async () => {
      web = await startTestWeb(testDatabase);
      folder = mkdtempSync(join(tmpdir(), 'ips-journey-'));
      await seedDemo(web.database, {
        password: PASSWORD,
        today: '2026-06-01',
        pseudonymisationSecret: 'journey secret',
        spreadsheetFolder: folder,
        withApiTokens: false,
      });
      baseUrl = await web.app.listen({ port: 0, host: '127.0.0.1' });
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
      });
    });
    after(async () => {
      await browser?.close();
      await web?.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('uploads, checks, confirms, matches ips-report, re-uploads with edits, and rolls back', async () => {
      assert.ok(DEMO_ROLES.includes('team-leader'));
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${baseUrl}/sign-in`);
      await page.getByLabel('Email address').fill(demoEmail('team-leader'));
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByLabel('I accept the terms and conditions').check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('link', { name: /Practice team/ }).click();

      const generated = generateReferralRows({ rows: 300, seed: 21, today: '2026-05-31' });
      const rows = [...generated.rows].map((row) => [...row]);
      const first = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...rows] }]);
      const firstFile = join(folder, 'first.xlsx');
      writeFileSync(firstFile, first);
      const upload = async (name: string, bytes: Uint8Array) => {
        await page.goto(
          `${baseUrl}${new URL(page.url()).pathname.replace(/\/(dashboard|upload.*)$/, '')}/upload`,
        );
        await page.getByLabel('Spreadsheets (XLSX or CSV)').setInputFiles({
          name,
          mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          buffer: Buffer.from(bytes),
        });
        await page.getByRole('button', { name: 'Upload and check' }).click();
        assert.equal(await page.locator('h1').textContent(), 'Check your upload for Practice team');
        const value = async (key: string) =>
          (
            await page
              .locator('.nhsuk-summary-list__row', { hasText: key })
              .locator('dd')
              .first()
              .textContent()
          )?.trim();
        const counts = [
          await value('New records'),
          await value('Changed records'),
          await value('Unchanged records'),
        ];
        await page.getByRole('button', { name: 'Confirm and save' }).click();
        assert.equal((await page.locator('h1').textContent())?.trim(), 'Upload saved');
        return counts;
      };

      assert.deepEqual(await upload('first.xlsx', first), ['300', '0', '0']);
      const period = 'period=custom&from=2025-04-01&to=2026-03-31';
      const dashboardPath = `${new URL(page.url()).pathname.replace(/\/upload\/done\/\d+$/, '')}/dashboard?${period}`;
      await page.goto(`${baseUrl}${dashboardPath}`);
      const firstFigures = await headline(page);
      const expected = JSON.parse(
        runIpsReport(
          ['metrics', firstFile, '--from', '2025-04-01', '--to', '2026-03-31', '--json'],
          '2026-06-01',
        ).stdout,
      );
      assert.deepEqual(
        firstFigures,
        Object.fromEntries(COUNTS.map((id) => [id, String(expected[id])])),
      );

      const edited = rows.map((row) => [...row]);
      const vpStart = generated.headings.indexOf('Date vocational profile started');
      for (const index of [0, 1, 2, 3])
        (edited[index] as CellValue[])[vpStart] = { kind: 'date', date: '2025-06-15' };
      const extra = generateReferralRows({
        rows: 5,
        seed: 99,
        today: '2026-05-31',
        clientIdPrefix: 'NEW',
      });
      edited.push(...[...extra.rows].map((row) => [...row]));
      assert.deepEqual(
        await upload(
          'second.xlsx',
          writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...edited] }]),
        ),
        ['5', '4', '296'],
      );

      await page.goto(`${baseUrl}${dashboardPath.replace(/\/dashboard\?.*$/, '')}/upload`);
      await page
        .getByRole('link', { name: /Roll back to here/ })
        .first()
        .click();
      assert.equal(await page.locator('h1').textContent(), 'Roll back to this upload?');
      await page.getByRole('button', { name: 'Roll back' }).click();
      assert.match(
        (await page.locator('.nhsuk-notification-banner').textContent()) ?? '',
        /data is back to how it was after the upload of first\.xlsx/,
      );
      await page.goto(`${baseUrl}${dashboardPath}`);
      assert.deepEqual(
        await headline(page),
        firstFigures,
        'the roll-back restores the first figures',
      );
    });
  });
}
