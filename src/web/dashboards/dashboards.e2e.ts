import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, Pages } from '../../../test/support/browser-pages.ts';
import { TEST_DATABASES } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestWeb,
  uploadGeneratedSpreadsheet,
} from '../../../test/support/test-web.ts';
import { DASHBOARD_VIEWS } from '../../dashboards/scope-figures.ts';
import { withinGuidance } from '../../metrics/guidance.ts';

/**
 * Dashboards as people read them (issue 23): at a glance on a wide screen and a phone, and
 * printed on A4 for a board report. E2E_SCREENSHOTS=folder keeps a picture of each, to look at.
 */
const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

const PERIOD = 'period=custom&from=2024-04-01&to=2026-03-31';
const SCREENSHOTS = process.env.E2E_SCREENSHOTS;

async function screenshot(page: Page, name: string) {
  if (SCREENSHOTS)
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** In the page: how far the document is wider than the window. */
const overflow = (page: Page) =>
  page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );

describe('dashboards at a glance and in print', {
  skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`,
}, () => {
  let web: TestWeb;
  let browser: Browser;
  let baseUrl: string;
  let dashboard: string;
  const checked: string[] = [];

  async function leaderPages(width: number) {
    // bypassCSP lets the test inject axe; the pages' own CSP is checked in the route tests.
    const context = await browser.newContext({
      bypassCSP: true,
      acceptDownloads: true,
      viewport: { width, height: 900 },
    });
    const pages = new Pages(await context.newPage(), baseUrl, checked);
    await pages.signIn('glance-leader@nhs.net');
    return pages;
  }

  before(async () => {
    web = await startTestWeb(pglite);
    const orgs = await seedOrganisations(web.database);
    await createTestAccount(web.database, 'glance-leader@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    const uploader = web.browser();
    await uploader.signIn('glance-leader@nhs.net');
    await uploadGeneratedSpreadsheet(uploader, orgs.teamA1, {
      rows: 300,
      seed: 5,
      today: '2026-05-31',
    });
    dashboard = `/teams/${orgs.teamA1}/dashboard`;
    baseUrl = await web.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await web?.close();
    process.stdout.write(`# axe checked ${checked.length} page states: ${checked.join('; ')}\n`);
  });

  it('on a wide screen: an even grid of figures, each with its rule, and readable charts', async () => {
    const pages = await leaderPages(1280);
    const { page } = pages;
    await pages.open(`${dashboard}?${PERIOD}`);
    const tiles = await page.evaluate<number[][]>(
      `[...document.querySelectorAll('.app-figures > .app-figure')].map((tile) => {
        const box = tile.getBoundingClientRect();
        return [box.left, box.top, box.width];
      })`,
    );
    assert.equal(tiles.length, 10, 'every count of the overview');
    assert.equal(new Set(tiles.map(([, , width]) => Math.round(width ?? 0))).size, 1, 'even tiles');
    const columns = new Set(tiles.map(([left]) => Math.round(left ?? 0))).size;
    assert.ok(columns >= 4, `${columns} tiles a row at 1280 px`);
    // Rows fill from the left: every row but the last is full, so no tile leaves a hole.
    const tops = tiles.map(([, top]) => Math.round(top ?? 0));
    const perRow = [...new Set(tops)].map((top) => tops.filter((each) => each === top).length);
    assert.ok(
      perRow.slice(0, -1).every((count) => count === columns),
      `rows of ${perRow}`,
    );

    // Each count says how it stands against the same days a year earlier, in words.
    const yearEarlier = await page.locator('.app-figures [data-year-earlier]').allTextContents();
    assert.equal(yearEarlier.length, 10);
    for (const text of yearEarlier)
      assert.match(text, /^(Up [\d,]+ from [\d,]+|Down [\d,]+ from [\d,]+|Same as) a year earlier/);

    assert.equal(await page.getByText('How it is counted:').count(), 0);
    const rule = page.getByRole('link', { name: 'How ‘Job starts’ is counted' });
    assert.equal(await rule.getAttribute('href'), '/help/figures#jobStarts');
    assert.equal((await rule.textContent())?.replace('How ‘Job starts’ is counted', ''), '(?)');

    const chartText = await page.evaluate<number[]>(
      `[...document.querySelectorAll('figure.app-chart')].flatMap((figure) => {
        const svg = figure.querySelector('svg');
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].map(
          (text) => parseFloat(getComputedStyle(text).fontSize) * scale,
        );
      })`,
    );
    assert.ok(chartText.length > 0);
    assert.ok(Math.min(...chartText) >= 12, `chart text ${Math.min(...chartText)} px`);
    assert.ok((await overflow(page)) <= 0, 'the page is no wider than the window');
    await pages.checkAccessibility('dashboard at 1280 px');
    await screenshot(page, 'dashboard-1280');

    // A chart's PNG and SVG say whose figures they are and for when.
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the chart (PNG)' }).first().click(),
    ]);
    assert.match(
      png.suggestedFilename(),
      /^north-team-[a-z-]+-by-[a-z-]+-2024-04-01-to-2026-03-31\.png$/,
    );
    const svgHref = await page
      .getByRole('link', { name: 'Download the chart (SVG)' })
      .first()
      .getAttribute('href');
    const svg = await page.request.get(`${baseUrl}${svgHref}`);
    assert.match(
      svg.headers()['content-disposition'] ?? '',
      /filename="north-team-.+-2024-04-01-to-2026-03-31\.svg"/,
    );
    const drawn = await svg.text();
    assert.match(drawn, /<text[^>]*>North team: [^<]+<\/text>/);
    assert.match(
      drawn,
      /<text[^>]*>[^<]*1 April 2024 to 31 March 2026\. Figures as at [^<]+<\/text>/,
    );

    // Every breakdown of the demographics has its chart beside its table.
    await pages.open(`${dashboard}?view=demographics&${PERIOD}`);
    const sections = page.locator('.app-section');
    assert.ok((await sections.count()) >= 4);
    assert.equal(await sections.locator('figure.app-chart').count(), await sections.count());
    assert.equal(await sections.locator('table').count(), await sections.count());
    const [chartBox, tableBox] = await Promise.all([
      sections.first().locator('figure').boundingBox(),
      sections.first().locator('table').boundingBox(),
    ]);
    assert.ok(chartBox && tableBox && tableBox.x > chartBox.x + chartBox.width, 'side by side');
    await pages.checkAccessibility('demographics with charts at 1280 px');
    await screenshot(page, 'demographics-1280');
  });

  it('marks each quality indicator within or outside its guidance, in words', async () => {
    const pages = await leaderPages(1280);
    const { page } = pages;
    await pages.open(`${dashboard}?view=quality&${PERIOD}`);
    const average = page.locator('.app-figure', {
      hasText: 'Average active caseload per employment specialist',
    });
    const caseload = Number(
      /^([\d.]+) \(/.exec((await average.locator('[data-metric]').textContent()) ?? '')?.[1],
    );
    assert.ok(caseload > 0);
    assert.equal(
      await average.locator('.app-figure__guidance').textContent(),
      withinGuidance('caseloadPerSpecialist', caseload) ? 'Within guidance' : 'Outside guidance',
    );
    const rate = page.locator('.app-figure', { hasText: 'Employment rate' });
    const share = Number(
      /^([\d.]+)%/.exec((await rate.locator('[data-metric]').textContent()) ?? '')?.[1],
    );
    assert.equal(
      await rate.locator('.app-figure__guidance').textContent(),
      withinGuidance('employmentRate', share / 100) ? 'Within guidance' : 'Outside guidance',
    );
    // Both waits, the average caseload and the three shares: each has figures to read.
    assert.equal(await page.locator('.app-figure__guidance').count(), 6);
    await pages.checkAccessibility('quality indicators against their guidance');
  });

  it('on a phone: the page fits, and each stacked cell keeps its column’s name', async () => {
    const pages = await leaderPages(375);
    const { page } = pages;
    await pages.open(`${dashboard}?${PERIOD}`);
    assert.ok((await overflow(page)) <= 0, 'the page is no wider than the phone');
    const table = page.locator('.app-section table').first();
    const head = (await table.locator('thead th').allTextContents()).map((text) => text.trim());
    const firstRow = table.locator('tbody tr').first();
    const labels = await firstRow.locator('.nhsuk-table__heading').allTextContents();
    assert.deepEqual(
      labels.map((text) => text.trim()),
      head,
    );
    assert.ok(await firstRow.locator('.nhsuk-table__heading').first().isVisible());
    await pages.checkAccessibility('dashboard at 375 px');
    await screenshot(page, 'dashboard-375');
  });

  it('home pages give each scope’s figures, on a wide screen and a phone', async () => {
    await createTestAccount(web.database, 'glance-national@nhs.net', [role('national-lead')]);
    for (const [email, width, state] of [
      ['glance-leader@nhs.net', 1280, 'home with figures (team leader)'],
      ['glance-national@nhs.net', 1280, 'home with figures (national lead)'],
      ['glance-national@nhs.net', 375, 'home with figures (national lead) at 375 px'],
    ] as const) {
      const context = await browser.newContext({
        bypassCSP: true,
        viewport: { width, height: 900 },
      });
      const pages = new Pages(await context.newPage(), baseUrl, checked);
      await pages.signIn(email);
      const { page } = pages;
      const table = page.locator('table').first();
      assert.ok(await table.isVisible());
      const firstCells = await table.locator('tbody tr td, tbody tr th').allTextContents();
      assert.ok(firstCells.length >= 7, 'a name and six figures');
      assert.ok((await overflow(page)) <= 0, `the home page fits ${width} px`);
      if (email === 'glance-national@nhs.net')
        assert.ok((await table.locator('tbody tr').count()) >= 8, 'England, then each region');
      await pages.checkAccessibility(state);
      await screenshot(page, state.replace(/[^a-z0-9]+/g, '-'));
      await context.close();
    }
  });

  it('prints every view and the records behind a figure on A4', async () => {
    const pages = await leaderPages(1280);
    const { page } = pages;
    // The views a team's dashboard offers (benchmarking is for services).
    await pages.open(`${dashboard}?${PERIOD}`);
    const offered = await page
      .getByRole('navigation', { name: 'Dashboard views' })
      .getByRole('link')
      .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
    const views = DASHBOARD_VIEWS.filter(
      (view) => view === 'overview' || offered.some((href) => href.includes(`view=${view}&`)),
    );
    assert.equal(views.length, DASHBOARD_VIEWS.length - 1);
    for (const view of views) {
      await pages.open(`${dashboard}?view=${view}&${PERIOD}`);
      // Ten columns of counts by specialist and by month need the width of landscape paper.
      const header = await pages.checkPrint(
        `team dashboard: ${view}`,
        view === 'overview' ? 'landscape' : 'portrait',
      );
      assert.match(header, /IPS Reporting: North team/);
      // The same dates as the page gives (totals vs targets are for the financial year).
      const onPage = (await page.locator('main .nhsuk-body-l').first().textContent()) ?? '';
      const [dates = '', asAt = ''] =
        /(\d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4})\. Figures as at (\d{1,2} \w+ \d{4})/
          .exec(onPage)
          ?.slice(1) ?? [];
      assert.ok(header.includes(`${dates}. Figures as at ${asAt}. Printed 1 June 2026.`), header);
      if (view === 'overview') {
        await page.emulateMedia({ media: 'print' });
        await screenshot(page, 'dashboard-print');
        await page.emulateMedia({ media: 'screen' });
      }
    }
    await pages.open(`${dashboard}?${PERIOD}`);
    await page
      .getByRole('link', { name: /see the records/ })
      .first()
      .click();
    assert.match((await pages.heading()) ?? '', /^Records behind referrals/);
    const header = await pages.checkPrint('records behind a count', 'landscape');
    assert.match(header, /IPS Reporting: North team/);
    assert.match(header, /^1 April 2024 to 31 March 2026\. /m, 'dates of one’s choice said once');
    await page.emulateMedia({ media: 'print' });
    assert.equal(
      await page
        .getByRole('link', { name: /^Remove/ })
        .first()
        .isVisible(),
      false,
      'no Remove links on paper',
    );
    await screenshot(page, 'records-print');
  });
});
