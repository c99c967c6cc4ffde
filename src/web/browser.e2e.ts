import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM, launchChromium, Pages } from '../../test/support/browser-pages.ts';
import { TEST_DATABASES } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  TEST_PASSWORD,
  type TestWeb,
} from '../../test/support/test-web.ts';
import { timeStepAt, totpCode } from '../accounts/totp.ts';
import { DASHBOARD_VIEWS } from '../dashboards/scope-figures.ts';
import { ensureSpecialists } from '../organisations/organisations.ts';
import type { CellValue } from '../spreadsheet/cells.ts';
import { writeXlsx } from '../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../synthetic/referral-rows.ts';
import {
  beginUploadCheck,
  recordCheckEnded,
  recordCheckProgress,
  STALLED_MINUTES,
} from '../uploads/upload-checks.ts';

/** The journeys in a real browser, with axe on every page state they pass through. */
const [pglite] = TEST_DATABASES;

/** Types a date into the NHS date input whose legend is `legend`, as "day/month/year". */
async function fillDate(page: Page, legend: string, date: string) {
  const [day = '', month = '', year = ''] = date.split('/');
  const group = page.getByRole('group', { name: legend });
  await group.getByLabel('Day').fill(day);
  await group.getByLabel('Month').fill(month);
  await group.getByLabel('Year').fill(year);
}
if (pglite === undefined) throw new Error('PGlite test database missing');

describe('browser journeys with axe', {
  skip: !existsSync(CHROMIUM) && `no Chromium at ${CHROMIUM}`,
}, () => {
  let web: TestWeb;
  let browser: Browser;
  let baseUrl: string;
  let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
  const checked: string[] = [];

  async function newPages() {
    // bypassCSP lets the test inject axe; the pages' own CSP is checked in the route tests.
    const context = await browser.newContext({ bypassCSP: true });
    return new Pages(await context.newPage(), baseUrl, checked);
  }

  before(async () => {
    web = await startTestWeb(pglite);
    orgs = await seedOrganisations(web.database);
    await ensureSpecialists(web.database, orgs.teamA1, ['AB', 'CD']);
    baseUrl = await web.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  // Each journey signs in several people from one address: give each its own sign-in rate window.
  beforeEach(() => web.advanceMinutes(6));
  after(async () => {
    await browser?.close();
    await web?.close();
    process.stdout.write(`# axe checked ${checked.length} page states: ${checked.join('; ')}\n`);
  });

  it('public pages and errors', async () => {
    const pages = await newPages();
    for (const [path, state] of [
      ['/sign-in', 'sign-in'],
      ['/help', 'help'],
      ['/accessibility', 'accessibility statement'],
      ['/privacy', 'privacy notice'],
      ['/terms', 'terms and conditions'],
      ['/no-such-page', 'page not found'],
    ] as const) {
      await pages.open(path);
      await pages.checkAccessibility(state);
    }
    await pages.open('/sign-in');
    await pages.page.getByRole('button', { name: 'Sign in' }).click();
    assert.equal(await pages.page.title(), 'Error: Sign in – IPS Reporting');
    await pages.checkAccessibility('sign-in with errors');
    await pages.signIn('nobody@nhs.net', 'wrong');
    assert.match(
      (await pages.page.locator('.nhsuk-error-summary').textContent()) ?? '',
      /Enter a correct email address and password/,
    );
  });

  it('request access, approval, set password from the outbox, first sign-in terms', async () => {
    const visitor = await newPages();
    await visitor.open('/request-access');
    await visitor.checkAccessibility('request access');
    await visitor.page.getByRole('button', { name: 'Send request' }).click();
    await visitor.checkAccessibility('request access with errors');
    await visitor.page.getByLabel('Full name').fill('Robin Lee');
    await visitor.page.getByLabel('Work email address').fill('robin.lee@nhs.net');
    await visitor.page.getByLabel('Team leader').check();
    await visitor.page
      .getByLabel('Which services or teams do you work with?')
      .fill('Northshire IPS, North team');
    await visitor.page.getByLabel('Why do you need access?').fill('New team leader');
    await visitor.page.getByRole('button', { name: 'Send request' }).click();
    assert.equal(await visitor.heading(), 'Your request has been sent');
    await visitor.checkAccessibility('request sent');

    await createTestAccount(web.database, 'admin@nhs.net', [role('administrator')]);
    const admin = await newPages();
    await admin.signIn('admin@nhs.net');
    await admin.checkAccessibility('home (administrator)');
    await admin.open('/admin');
    await admin.checkAccessibility('administration');
    await admin.page.getByRole('link', { name: 'Requests for access' }).click();
    await admin.checkAccessibility('requests for access');
    await admin.page.getByRole('link', { name: 'Robin Lee' }).click();
    await admin.checkAccessibility('access request');
    await admin.page.getByRole('button', { name: 'Approve and assign role' }).click();
    await admin.checkAccessibility('access request with errors');
    await admin.page
      .getByLabel('Team', { exact: true })
      .selectOption({ label: 'North team, Northshire IPS' });
    await admin.page.getByRole('button', { name: 'Approve and assign role' }).click();
    assert.equal(await admin.heading(), 'Robin Lee');
    await admin.checkAccessibility('account (administrator view)');
    for (const [path, state] of [
      ['/admin/accounts', 'accounts'],
      ['/admin/services', 'services'],
      [`/admin/services/${orgs.serviceA}`, 'service (administrator view)'],
      [`/admin/teams/${orgs.teamA1}`, 'edit team'],
      ['/admin/agreements', 'agreements'],
      ['/admin/agreements/end-user', 'edit agreement'],
      ['/admin/audit?text=approved', 'audit log'],
    ] as const) {
      await admin.open(path);
      await admin.checkAccessibility(state);
    }

    await web.sendEmail();
    const mail = web.outbox.at(-1) ?? '';
    const link = /http:\/\/localhost:3000(\/password-reset\/\S+)/.exec(mail)?.[1] ?? '';
    const person = await newPages();
    await person.open(link);
    await person.checkAccessibility('set password');
    await person.page.getByLabel('New password', { exact: true }).fill('robin new password');
    await person.page.getByLabel('Confirm new password').fill('robin new password');
    await person.page.getByRole('button', { name: 'Set password' }).click();
    assert.equal(await person.heading(), 'Your password has been set');
    await person.checkAccessibility('password set');
    await person.signIn('robin.lee@nhs.net', 'robin new password');
    assert.equal(await person.heading(), 'Accept the terms and conditions');
    await person.checkAccessibility('first sign-in terms');
    await person.page.getByLabel('I accept the terms and conditions').check();
    await person.page.getByRole('button', { name: 'Continue' }).click();
    assert.equal(await person.heading(), 'IPS Reporting');
    await person.checkAccessibility('home (team leader)');
    await person.page.getByRole('link', { name: /North team/ }).click();
    await person.checkAccessibility('team with specialists');
  });

  it('single sign-on: the buttons, a provider that cannot be reached, requiring it for a domain', async () => {
    // A service of its own with a provider set up (never reached), so the other journeys' sign-in
    // page keeps one "Sign in" button.
    const ssoWeb = await startTestWeb(pglite, {
      IPS_OIDC_CIS2_ISSUER: 'http://127.0.0.1:9',
      IPS_OIDC_CIS2_CLIENT_ID: 'ips-reporting',
      IPS_OIDC_CIS2_CLIENT_SECRET: 'secret',
    });
    try {
      const context = await browser.newContext({ bypassCSP: true });
      const pages = new Pages(
        await context.newPage(),
        await ssoWeb.app.listen({ port: 0, host: '127.0.0.1' }),
        checked,
      );
      await pages.open('/sign-in');
      await pages.checkAccessibility('sign-in with single sign-on');
      await pages.page
        .getByRole('button', { name: 'Sign in with NHS Care Identity Service 2' })
        .click();
      assert.equal(await pages.heading(), 'Single sign-on is not available at the moment');
      await pages.checkAccessibility('single sign-on unavailable');

      await createTestAccount(ssoWeb.database, 'admin@nhs.net', [role('administrator')]);
      await pages.open('/sign-in');
      await pages.page.getByLabel('Email address').fill('admin@nhs.net');
      await pages.page.getByLabel('Password', { exact: true }).fill(TEST_PASSWORD);
      await pages.page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await pages.open('/admin');
      await pages.page.getByRole('link', { name: 'Single sign-on' }).click();
      await pages.checkAccessibility('single sign-on domains, none');
      await pages.page.getByLabel('Email domain').fill('nhs');
      await pages.page.getByRole('button', { name: 'Add domain' }).click();
      await pages.checkAccessibility('single sign-on domains with errors');
      await pages.page.getByLabel('Email domain').fill('leeds.nhs.uk');
      await pages.page.getByRole('button', { name: 'Add domain' }).click();
      await pages.page.getByRole('cell', { name: 'leeds.nhs.uk', exact: true }).waitFor();
      await pages.checkAccessibility('single sign-on domains, one');
      await context.close();
    } finally {
      await ssoWeb.close();
    }
  });

  it('password reset from the outbox', async () => {
    await createTestAccount(web.database, 'forgetful@nhs.net', []);
    const pages = await newPages();
    await pages.open('/sign-in');
    await pages.page.getByRole('link', { name: 'I have forgotten my password' }).click();
    await pages.checkAccessibility('reset password');
    await pages.page.getByLabel('Email address').fill('forgetful@nhs.net');
    await pages.page.getByRole('button', { name: 'Send the link' }).click();
    await pages.checkAccessibility('reset link sent');
    await web.sendEmail();
    const link =
      /http:\/\/localhost:3000(\/password-reset\/\S+)/.exec(web.outbox.at(-1) ?? '')?.[1] ?? '';
    await pages.open(link);
    await pages.page.getByRole('button', { name: 'Set password' }).click();
    await pages.checkAccessibility('set password with errors');
    await pages.page.getByLabel('New password', { exact: true }).fill('a brand new password');
    await pages.page.getByLabel('Confirm new password').fill('a brand new password');
    await pages.page.getByRole('button', { name: 'Set password' }).click();
    await pages.signIn('forgetful@nhs.net', 'a brand new password');
    assert.equal(await pages.heading(), 'IPS Reporting');
    await pages.open(link);
    await pages.checkAccessibility('expired link');
  });

  it('the data sharing agreement gate', async () => {
    const [service] = await web.database.query<{ id: number }>(
      "INSERT INTO service (name) VALUES ('Gated IPS') RETURNING id",
    );
    const [team] = await web.database.query<{ id: number }>(
      'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
      [service?.id ?? 0, orgs.icsA, 'Gated team'],
    );
    await createTestAccount(web.database, 'gated@nhs.net', [
      role('team-leader', { teamId: team?.id ?? 0 }),
    ]);
    await createTestAccount(web.database, 'gated-dgl@nhs.net', [
      role('service-manager', { serviceId: service?.id ?? 0, dataGovernanceLead: 'yes' }),
    ]);
    const leader = await newPages();
    await leader.signIn('gated@nhs.net');
    assert.equal(
      await leader.heading(),
      'Your organisation has not yet accepted the data sharing agreement. Please contact your Data Governance Lead.',
    );
    await leader.checkAccessibility('waiting for the data sharing agreement');
    // Help is for every role, meanwhile.
    await leader.page.getByRole('link', { name: 'user guide', exact: true }).click();
    assert.equal(leader.page.url(), `${baseUrl}/help/guide`);
    await leader.checkAccessibility('user guide, while waiting for the agreement');
    const lead = await newPages();
    await lead.signIn('gated-dgl@nhs.net');
    assert.equal(await lead.heading(), 'Data sharing agreement');
    await lead.checkAccessibility('data sharing agreement to accept');
    await lead.page.getByRole('button', { name: 'Accept for Gated IPS' }).click();
    await lead.checkAccessibility('data sharing agreement with errors');
    await lead.page
      .getByLabel('I accept the data sharing agreement on behalf of Gated IPS')
      .check();
    await lead.page.getByRole('button', { name: 'Accept for Gated IPS' }).click();
    await lead.checkAccessibility('data sharing agreement accepted');
    await leader.open('/');
    assert.equal(await leader.heading(), 'IPS Reporting');
  });

  it('second factor set-up and sign-in; account page with an API token', async () => {
    await createTestAccount(web.database, 'careful@nhs.net', [
      role('service-manager', { serviceId: orgs.serviceA }),
    ]);
    const pages = await newPages();
    await pages.signIn('careful@nhs.net');
    await pages.open('/account');
    await pages.checkAccessibility('account');
    await pages.page.getByLabel('Name of a new token').fill('Case system');
    await pages.page.getByRole('button', { name: 'Create API token' }).click();
    assert.match((await pages.page.getByTestId('new-api-token').textContent()) ?? '', /^ips_/);
    await pages.checkAccessibility('account with a new API token');
    await pages.page.getByRole('link', { name: 'Set up a second factor' }).click();
    await pages.checkAccessibility('second factor set-up');
    const secret = (await pages.page.getByTestId('totp-secret').textContent())?.trim() ?? '';
    await pages.page
      .getByLabel('Security code')
      .fill(totpCode(secret, timeStepAt(web.services.clock().getTime())));
    await pages.page.getByRole('button', { name: 'Turn on second factor' }).click();
    await pages.checkAccessibility('second factor on');
    await pages.signOut();
    await pages.checkAccessibility('signed out');
    web.advanceMinutes(1);
    await pages.signIn('careful@nhs.net');
    assert.equal(await pages.heading(), 'Enter your security code');
    await pages.checkAccessibility('security code');
    await pages.page
      .getByLabel('Security code')
      .fill(totpCode(secret, timeStepAt(web.services.clock().getTime())));
    await pages.page.getByRole('button', { name: 'Continue' }).click();
    assert.equal(await pages.heading(), 'IPS Reporting');
    for (const [path, state] of [
      [`/services/${orgs.serviceA}`, 'service'],
      [`/teams/${orgs.teamA1}`, 'team (service manager)'],
      [`/services/${orgs.serviceA}/dashboard`, 'service dashboard'],
      [`/services/${orgs.serviceA}/records`, 'service records'],
    ] as const) {
      await pages.open(path);
      await pages.checkAccessibility(state);
    }
  });

  it('upload, check, confirm, dashboards at every level', async () => {
    await createTestAccount(web.database, 'uploader@nhs.net', [
      role('team-leader', { teamId: orgs.teamA2 }),
    ]);
    const pages = await newPages();
    await pages.signIn('uploader@nhs.net');
    await pages.open(`/teams/${orgs.teamA2}/upload`);
    await pages.checkAccessibility('upload (empty)');
    await pages.page.getByRole('button', { name: 'Upload and check' }).click();
    await pages.checkAccessibility('upload with no file chosen');
    const generated = generateReferralRows({ rows: 150, seed: 3, today: '2026-05-31' });
    const rows = [...generated.rows].map((row) => [...row]);
    const good = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...rows] }]);
    const broken = rows.map((row) => [...row]);
    (broken[4] as CellValue[])[generated.headings.indexOf('Referral date')] = 'yesterday';
    const bad = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...broken] }]);
    const xlsx = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    await pages.page
      .getByLabel('Spreadsheets (XLSX or CSV)')
      .setInputFiles({ name: 'broken.xlsx', mimeType: xlsx, buffer: Buffer.from(bad) });
    await pages.page.getByRole('button', { name: 'Upload and check' }).click();
    assert.match((await pages.heading()) ?? '', /There are problems with broken.xlsx/);
    await pages.checkAccessibility('upload check with errors');
    await pages.open(`/teams/${orgs.teamA2}/upload`);
    await pages.page
      .getByLabel('Spreadsheets (XLSX or CSV)')
      .setInputFiles({ name: 'team.xlsx', mimeType: xlsx, buffer: Buffer.from(good) });
    await pages.page.getByRole('button', { name: 'Upload and check' }).click();
    assert.equal(await pages.heading(), 'Check your upload for Border team');
    await pages.checkAccessibility('upload check');
    await pages.page.getByRole('button', { name: 'Confirm and save' }).click();
    assert.equal(await pages.heading(), 'Upload saved');
    await pages.checkAccessibility('upload saved');
    await pages.open(`/teams/${orgs.teamA2}/upload`);
    await pages.checkAccessibility('upload history');
    // A second upload with a change, so the first can be rolled back to.
    const changed = rows.map((row) => [...row]);
    (changed[0] as CellValue[])[generated.headings.indexOf('Date vocational profile started')] = {
      kind: 'date',
      date: '2026-05-01',
    };
    const again = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...changed] }]);
    await pages.page
      .getByLabel('Spreadsheets (XLSX or CSV)')
      .setInputFiles({ name: 'team-may.xlsx', mimeType: xlsx, buffer: Buffer.from(again) });
    await pages.page.getByRole('button', { name: 'Upload and check' }).click();
    await pages.page.getByRole('heading', { name: 'What changed' }).waitFor();
    await pages.checkAccessibility('upload check with a changed record');
    await pages.page.getByRole('button', { name: 'Confirm and save' }).click();
    await pages.open(`/teams/${orgs.teamA2}/upload`);
    await pages.page.getByRole('link', { name: /Roll back to here/ }).click();
    assert.equal(await pages.heading(), 'Roll back to this upload?');
    await pages.checkAccessibility('roll-back confirmation');
    await pages.page.getByRole('button', { name: 'Roll back' }).click();
    await pages.page.locator('.nhsuk-notification-banner--success').waitFor();
    await pages.checkAccessibility('upload history after a roll-back');
    for (const view of DASHBOARD_VIEWS) {
      await pages.open(
        `/teams/${orgs.teamA2}/dashboard?period=custom&from=2024-04-01&to=2026-03-31&view=${view}`,
      );
      await pages.checkAccessibility(`team dashboard: ${view}`);
    }
    await pages.open(`/teams/${orgs.teamA2}/dashboard?view=sustainments`);
    const [png] = await Promise.all([
      pages.page.waitForEvent('download'),
      pages.page.getByRole('button', { name: 'Download the chart (PNG)' }).first().click(),
    ]);
    assert.match(png.suggestedFilename(), /\.png$/);

    // Without JavaScript: the dashboard, its chart and its exports all still work.
    const noScript = await browser.newContext({ bypassCSP: true, javaScriptEnabled: false });
    const plain = new Pages(await noScript.newPage(), baseUrl, checked);
    await plain.signIn('uploader@nhs.net');
    await plain.open(`/teams/${orgs.teamA2}/dashboard?view=jobs`);
    assert.equal(
      await plain.page.locator('figure.app-chart svg').count(),
      2,
      'by month and by specialist',
    );
    assert.equal(
      await plain.page.getByRole('button', { name: 'Download the chart (PNG)' }).count(),
      0,
    );
    const csvHref = await plain.page
      .getByRole('link', { name: 'CSV' })
      .first()
      .getAttribute('href');
    const csv = await plain.page.request.get(`${baseUrl}${csvHref?.replace(/&amp;/g, '&')}`);
    assert.equal(csv.status(), 200);
    assert.match(await csv.text(), /Job starts/);
    await noScript.close();

    await pages.open(`/teams/${orgs.teamA2}/dashboard`);
    await pages.page.getByLabel('Period').selectOption('custom');
    await fillDate(pages.page, 'From (dates of your choice)', '1/4/2025');
    await fillDate(pages.page, 'To (dates of your choice)', '31/3/2026');
    await pages.page.getByRole('button', { name: 'Show figures' }).click();
    assert.match(pages.page.url(), /from-day=1&from-month=4&from-year=2025&to-day=31/);
    assert.notEqual(
      await pages.page.locator('[data-metric="referrals"]').first().textContent(),
      '0',
    );
    await pages.checkAccessibility('team dashboard, custom period');
    await pages.page
      .getByRole('link', { name: /see the records/ })
      .first()
      .click();
    assert.match((await pages.heading()) ?? '', /^Records behind referrals/);
    await pages.checkAccessibility('records behind a count');
    await pages.page
      .getByRole('link', { name: /^Remove/ })
      .first()
      .click();
    await pages.checkAccessibility('remove a record');
    await pages.page.goBack();
    await pages.page.goBack();
    await pages.page
      .getByRole('navigation', { name: 'Dashboard views' })
      .getByRole('link', { name: 'Quality' })
      .click();
    await pages.page
      .getByRole('link', { name: /See the records behind referral to first attempted contact/ })
      .click();
    assert.match((await pages.heading()) ?? '', /^Records behind referral to first attempted/);
    await pages.checkAccessibility('records behind a wait');
    await pages.page.goBack();
    await fillDate(pages.page, 'From (dates of your choice)', '30/2/2025');
    await pages.page.getByRole('button', { name: 'Show figures' }).click();
    assert.match(
      (await pages.page.locator('.nhsuk-error-summary').textContent()) ?? '',
      /The start date must be a real date/,
    );
    await pages.checkAccessibility('team dashboard with a date error');
  });

  it('targets and progress; a fidelity review and its band; the regional fidelity dashboard', async () => {
    await createTestAccount(web.database, 'target-setter@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    await createTestAccount(web.database, 'fidelity-manager@nhs.net', [
      role('service-manager', { serviceId: orgs.serviceA }),
    ]);
    await createTestAccount(web.database, 'fidelity-region@nhs.net', [
      role('regional-lead', { regionId: orgs.regionA }),
    ]);

    const leader = await newPages();
    await leader.signIn('target-setter@nhs.net');
    await leader.open(`/teams/${orgs.teamA1}`);
    await leader.page.getByRole('link', { name: "Set the team's targets and size" }).click();
    await leader.checkAccessibility('team targets (none set)');
    await leader.page.getByLabel('Referrals in 2026/27').fill('lots');
    await leader.page.getByRole('button', { name: 'Save targets' }).click();
    await leader.checkAccessibility('team targets with an error');
    await leader.page
      .getByLabel('Employment specialists in post (whole-time equivalents)')
      .fill('2');
    await leader.page.getByLabel('Referrals in 2026/27').fill('120');
    await leader.page.getByLabel('Job starts in 2026/27').fill('34');
    await leader.page.getByRole('button', { name: 'Save targets' }).click();
    assert.match(
      (await leader.page.locator('.nhsuk-notification-banner').textContent()) ?? '',
      /saved/,
    );
    assert.equal(await leader.page.locator('table tbody tr').count(), 3, 'three changes kept');
    await leader.checkAccessibility('team targets saved, with their history');
    await leader.page.getByRole('link', { name: 'totals vs targets view' }).click();
    const referrals = leader.page.locator('tr', { hasText: 'Referrals' }).first();
    // As shown: innerText leaves out the column names a phone shows beside each cell.
    assert.match(
      (await referrals.locator('td').allInnerTexts()).map((text) => text.trim()).join(' '),
      /^120 \d+ [\d.]+ (On track|Behind|Off track)$/,
    );
    assert.equal(await leader.page.locator('figure.app-chart svg').count(), 2);
    await leader.checkAccessibility('totals vs targets');

    const manager = await newPages();
    await manager.signIn('fidelity-manager@nhs.net');
    await manager.open(`/services/${orgs.serviceA}`);
    await manager.page.getByRole('link', { name: "The service's referral sources" }).click();
    await manager.checkAccessibility('referral sources (none yet)');
    await manager.page.locator('#name0').fill('Leeds community mental health team');
    await manager.page.getByRole('button', { name: 'Save referral sources' }).click();
    await manager.page.locator('.nhsuk-error-summary').waitFor();
    await manager.checkAccessibility('referral sources with an error');
    await manager.page.locator('#category0').selectOption({ index: 1 });
    await manager.page.getByRole('button', { name: 'Save referral sources' }).click();
    assert.match(
      (await manager.page.locator('.nhsuk-notification-banner').textContent()) ?? '',
      /Referral sources saved/,
    );
    await manager.checkAccessibility('referral sources saved');
    await manager.open(`/services/${orgs.serviceA}`);
    await manager.page.getByRole('link', { name: 'IPS fidelity reviews' }).click();
    await manager.checkAccessibility('fidelity reviews (none yet, overdue)');
    await manager.page.getByRole('button', { name: 'Record a fidelity review' }).click();
    await manager.checkAccessibility('fidelity review form');
    await manager.page.getByRole('button', { name: 'Record the review' }).click();
    assert.equal(await manager.page.locator('.nhsuk-error-summary li').count(), 28);
    await manager.checkAccessibility('fidelity review form with errors');
    await fillDate(manager.page, 'Date of the review', '20/5/2026');
    await manager.page.getByLabel('Peer review').check();
    await manager.page.getByLabel('Organisation that carried out the review').fill('Eastshire IPS');
    for (let item = 1; item <= 25; item++) {
      await manager.page
        .locator(`input[name="item${item}"][value="${item <= 15 ? 5 : 3}"]`)
        .check();
    }
    await manager.page.getByRole('button', { name: 'Record the review' }).click();
    // 15 × 5 + 10 × 3 = 105: good fidelity.
    assert.equal(
      await manager.page.locator('[data-metric="fidelityBand"]').textContent(),
      'Good fidelity',
    );
    await manager.checkAccessibility('fidelity reviews with one recorded');
    await manager.page.getByRole('link', { name: /20 May 2026/ }).click();
    await manager.checkAccessibility('one fidelity review');
    await manager.open(`/services/${orgs.serviceA}/targets`);
    await manager.checkAccessibility('service targets');
    await manager.open(`/services/${orgs.serviceA}/dashboard?view=benchmarking`);
    await manager.checkAccessibility('service dashboard: benchmarking');

    const region = await newPages();
    await region.signIn('fidelity-region@nhs.net');
    await region.open(`/areas/regions/${orgs.regionA}`);
    await region.page.getByRole('link', { name: /IPS fidelity of the services/ }).click();
    const row = region.page.locator('tr', { hasText: 'Northshire IPS' });
    assert.deepEqual((await row.locator('td').allTextContents()).slice(1, 3), [
      '105',
      'Good fidelity',
    ]);
    await region.checkAccessibility('regional fidelity dashboard');
  });

  it('a quarterly return: fill, preview, submit, edit and resubmit; readers and the roll-up', async () => {
    await createTestAccount(web.database, 'returns-manager@nhs.net', [
      role('service-manager', { serviceId: orgs.serviceA }),
    ]);
    await createTestAccount(web.database, 'returns-ics@nhs.net', [
      role('ics-lead', { icsId: orgs.icsA }),
    ]);
    await createTestAccount(web.database, 'returns-region@nhs.net', [
      role('regional-lead', { regionId: orgs.regionA }),
    ]);
    const returnPath = `/services/${orgs.serviceA}/returns/${orgs.icsA}/2026Q1`;
    const manager = await newPages();
    await manager.signIn('returns-manager@nhs.net');
    await manager.open(`/services/${orgs.serviceA}`);
    await manager.page.getByRole('link', { name: 'NHS England quarterly returns' }).click();
    await manager.checkAccessibility('quarterly returns of a service');
    await manager.open(returnPath);
    await manager.checkAccessibility('quarterly return not yet submitted');
    await manager.page.getByRole('button', { name: 'Fill in the return' }).click();
    assert.match(
      (await manager.heading()) ?? '',
      /January to March 2026 \(calendar Q1, financial Q4 2025\/26\)/,
    );
    await manager.checkAccessibility('quarterly return form');
    // With JavaScript the draft saves itself as it is typed.
    const carriedOver = manager.page.getByLabel(
      'Clients carried over from the previous financial year',
    );
    await carriedOver.fill('25');
    await manager.page.locator('.app-autosave-status', { hasText: 'Draft saved' }).waitFor();
    await manager.page.reload();
    assert.equal(await carriedOver.inputValue(), '25', 'autosaved');
    await manager.page.getByLabel('Referrals received').fill('12');
    await manager.page.getByRole('button', { name: 'Save and preview' }).click();
    await manager.checkAccessibility('quarterly return form with errors');

    const ics = await newPages();
    await ics.signIn('returns-ics@nhs.net');
    const hidden = await ics.page.goto(`${baseUrl}${returnPath}`);
    assert.equal(hidden?.status(), 403, 'a draft is not for the ICS lead');

    const fill = async (label: string, value: string) =>
      manager.page.getByLabel(label, { exact: true }).fill(value);
    for (const [label, value] of [
      ['Of which employed at referral', '2'],
      ['Vocational profile starts (access)', '9'],
      ['Active caseload at the quarter end', '30'],
      ['Job starts', '6'],
      ['People supported into work', '5'],
      ['People entering their first job', '4'],
      ['Job sustainments at 13 weeks', '3'],
      ['Job sustainments at 26 weeks', '1'],
      ['Clients carried over from the previous financial year', '25'],
      ['Employment specialists in post (WTE)', '2'],
      ['Employment specialists funded (WTE)', '2'],
      ['Team leaders (WTE)', '1'],
      ['Vacancies (WTE)', '0'],
      ['Progress in the quarter', 'A new partnership with the local college.'],
    ] as const) {
      await fill(label, value);
    }
    await manager.page.getByLabel('Wave 2').check();
    // The review date is an NHS date input: a missing year is named, and its box linked to.
    await fillDate(manager.page, 'Date of the latest review', '14/2/');
    await manager.page.getByLabel('Type of review').selectOption({ label: 'Peer review' });
    await manager.page.getByLabel('Score (out of 125)').fill('100');
    await manager.page.getByRole('button', { name: 'Save and preview' }).click();
    const summary = manager.page.locator('.nhsuk-error-summary');
    assert.match(
      (await summary.textContent()) ?? '',
      /The date of the latest fidelity review must include a year/,
    );
    assert.equal(
      await summary.getByRole('link').first().getAttribute('href'),
      '#fidelityDate-year',
    );
    await manager.checkAccessibility('quarterly return form with a date missing its year');
    await fillDate(manager.page, 'Date of the latest review', '14/2/2026');
    await manager.page.getByRole('button', { name: 'Save and preview' }).click();
    assert.equal(await manager.heading(), 'Check the return before you submit it');
    await manager.checkAccessibility('quarterly return preview');
    assert.match(
      await manager.checkPrint('quarterly return preview', 'portrait'),
      /Quarterly return \(not submitted\)/,
    );
    await manager.page.getByRole('button', { name: 'Submit the return' }).click();
    await manager.checkAccessibility('quarterly return submitted');
    await manager.page
      .getByRole('link', { name: 'See the submitted return and its history' })
      .click();
    await manager.checkAccessibility('quarterly return, version 1');
    assert.match(
      await manager.checkPrint('quarterly return, version 1', 'portrait'),
      /Quarterly return, .+, version 1\. Figures as at \d{1,2} \w+ \d{4} at \d{1,2}(:\d{2})?(am|pm)\./,
    );

    await ics.open(returnPath);
    assert.match((await ics.page.locator('main').textContent()) ?? '', /Version 1, submitted/);

    await manager.page.getByRole('button', { name: 'Change the return' }).click();
    await fill('Referrals received', '14');
    await manager.page.getByRole('button', { name: 'Save and preview' }).click();
    assert.match(
      (await manager.page.locator('caption').first().textContent()) ?? '',
      /Changes since the last submitted version/,
    );
    await manager.checkAccessibility('quarterly return preview with changes');
    await manager.page.getByRole('button', { name: 'Submit the return' }).click();

    await ics.open(returnPath);
    const history = (await ics.page.locator('main').textContent()) ?? '';
    assert.match(history, /Version 2, submitted/);
    assert.match(history, /What changed in version 2/);
    await ics.checkAccessibility('quarterly return with its history, as the ICS lead reads it');

    const region = await newPages();
    await region.signIn('returns-region@nhs.net');
    await region.open(`/areas/regions/${orgs.regionA}`);
    await region.page.getByRole('link', { name: /NHS England quarterly returns/ }).click();
    await region.page.getByLabel('Quarter').selectOption('2026Q1');
    await region.page.getByRole('button', { name: 'Show returns' }).click();
    const referrals = region.page.locator('tr', { hasText: 'Referrals received' });
    // One submitted return in the region: its ICS and the region both add up to 14.
    assert.deepEqual(await referrals.locator('td').allTextContents(), ['14', '14']);
    await region.checkAccessibility('regional quarterly returns and roll-up');
    assert.match(
      await region.checkPrint('regional quarterly returns and roll-up', 'portrait'),
      /Quarterly returns, /,
    );
  });

  it('help: a figure’s (?) and its definition, the help pages, an administrator edits a resource page, a problem reported', async () => {
    await createTestAccount(web.database, 'help-reader@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    await createTestAccount(web.database, 'help-admin@nhs.net', [role('administrator')]);

    const admin = await newPages();
    await admin.signIn('help-admin@nhs.net');
    await admin.open('/admin');
    await admin.page.getByRole('link', { name: 'Help resources' }).click();
    await admin.checkAccessibility('help resources (administration)');
    await admin.page.getByRole('button', { name: 'Add a resource' }).click();
    await admin.page.getByRole('button', { name: 'Save the resource' }).click();
    await admin.checkAccessibility('help resource form with errors');
    await admin.page.getByLabel('Title').fill('Uploading tips');
    await admin.page.getByLabel('Page address').fill('uploading-tips');
    await admin.page
      .getByLabel('Text of the page (Markdown)')
      .fill('## Before you upload\n\n- Check the dates');
    await admin.page.getByRole('button', { name: 'Save the resource' }).click();
    await admin.page.getByRole('link', { name: /Uploading tips/ }).click();
    await admin.checkAccessibility('help resource form');
    await admin.page
      .getByLabel('Text of the page (Markdown)')
      .fill('## Before you upload\n\n- Check the dates\n- Check the headings');
    await admin.page.getByRole('button', { name: 'Save the resource' }).click();

    const reader = await newPages();
    await reader.signIn('help-reader@nhs.net');
    await reader.open(`/teams/${orgs.teamA1}/dashboard`);
    await reader.page.getByRole('link', { name: 'How ‘Referrals’ is counted' }).click();
    assert.match(reader.page.url(), /\/help\/figures#referrals$/);
    assert.match(
      (await reader.page.locator('#referrals').textContent()) ?? '',
      /Records whose referral date is in the period\./,
    );
    await reader.page.goBack();
    await reader.page.getByRole('link', { name: /How the figures by month are counted/ }).click();
    assert.match(reader.page.url(), /\/help\/figures#referrals$/);
    await reader.checkAccessibility('how each figure is counted');
    for (const [link, state] of [
      ['User guide', 'user guide'],
      ['Frequently asked questions', 'frequently asked questions'],
      ['Spreadsheet columns and validation', 'spreadsheet columns and validation'],
      ['Resources', 'resources'],
    ] as const) {
      await reader.open('/help');
      await reader.page.getByRole('link', { name: link, exact: true }).click();
      await reader.checkAccessibility(state);
    }
    await reader.page.getByRole('link', { name: 'Uploading tips' }).click();
    assert.equal(await reader.page.locator('main li').count(), 2, 'the edited page');
    await reader.checkAccessibility('a resource page');
    await reader.page.getByRole('link', { name: 'Report a problem' }).click();
    await reader.checkAccessibility('report a problem');
    await reader.page.getByLabel('What is the problem?').fill('The resource page is too short.');
    await reader.page.getByRole('button', { name: 'Send the report' }).click();
    await reader.checkAccessibility('problem reported');

    await admin.open('/admin/problem-reports');
    assert.match(
      (await admin.page.locator('main').textContent()) ?? '',
      /help\/resources\/uploading-tips[\s\S]*The resource page is too short\./,
    );
    await admin.checkAccessibility('reported problems');

    const visitor = await newPages();
    await visitor.open('/help/spreadsheet');
    await visitor.checkAccessibility('spreadsheet columns and validation, before sign-in');
  });

  it('choosing the team to upload for', async () => {
    await createTestAccount(web.database, 'two-teams@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
      role('team-leader', { teamId: orgs.teamA2 }),
    ]);
    const pages = await newPages();
    await pages.signIn('two-teams@nhs.net');
    await pages.page.getByRole('link', { name: 'Upload data' }).click();
    assert.equal(await pages.heading(), 'Which team is this data for?');
    await pages.checkAccessibility('choose the team to upload for');
  });

  it('an upload in hand: its progress with and without JavaScript, then where it ends', async () => {
    const accountId = await createTestAccount(web.database, 'in-hand@nhs.net', [
      role('team-leader', { teamId: orgs.teamA1 }),
    ]);
    // Checks in hand as a long upload leaves them, moved on by the test as a worker would.
    const inHand = () =>
      beginUploadCheck(web.database, { teamId: orgs.teamA1, accountId, now: web.services.clock() });
    const moveOn = (checkId: string, rowsDone: number) =>
      recordCheckProgress(web.database, checkId, {
        stage: 'checking',
        rowsDone,
        now: web.services.clock(),
      });
    const address = (checkId: string) => `/teams/${orgs.teamA1}/upload/check/${checkId}`;
    const refusal = 'Checking the files took longer than 120 seconds, so it was stopped.';

    const pages = await newPages();
    await pages.signIn('in-hand@nhs.net');
    const withScript = await inHand();
    await pages.open(address(withScript));
    assert.equal(await pages.heading(), 'Checking your upload');
    await pages.checkAccessibility('upload progress: reading');
    await moveOn(withScript, 4_000);
    await pages.page.getByText('4,000 rows checked so far').waitFor();
    await pages.checkAccessibility('upload progress: checking, updated in place');
    await recordCheckEnded(web.database, withScript, {
      stage: 'refused',
      refusal,
      now: web.services.clock(),
    });
    await pages.page.getByRole('heading', { name: 'Your upload could not be checked' }).waitFor();
    assert.match((await pages.page.textContent('main')) ?? '', /took longer than 120 seconds/);
    await pages.checkAccessibility('upload refused');

    const stalled = await inHand();
    await moveOn(stalled, 2_000);
    web.advanceMinutes(STALLED_MINUTES + 1);
    await pages.open(address(stalled));
    assert.equal(await pages.heading(), 'Checking your upload stopped');
    await pages.checkAccessibility('upload stopped');

    // Without JavaScript the page asks again by itself.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const plain = new Pages(await noScript.newPage(), baseUrl, checked);
    await plain.signIn('in-hand@nhs.net');
    const withoutScript = await inHand();
    await plain.open(address(withoutScript));
    assert.equal(await plain.heading(), 'Checking your upload');
    assert.equal(await plain.page.getByRole('link', { name: 'Refresh this page' }).count(), 1);
    await moveOn(withoutScript, 6_000);
    await plain.page.getByText('6,000 rows checked so far').waitFor({ timeout: 10_000 });
    await noScript.close();
  });

  it('area views and a refused page', async () => {
    await createTestAccount(web.database, 'national@nhs.net', [role('national-lead')]);
    const pages = await newPages();
    await pages.signIn('national@nhs.net');
    for (const [path, state] of [
      ['/areas/england', 'national view'],
      [`/areas/regions/${orgs.regionA}`, 'regional view'],
      [`/areas/icss/${orgs.icsA}`, 'ICS view'],
      ['/areas/england/dashboard', 'national dashboard'],
      ...DASHBOARD_VIEWS.map(
        (view) => [`/areas/england/dashboard?view=${view}`, `national dashboard: ${view}`] as const,
      ),
      [`/areas/regions/${orgs.regionA}/dashboard`, 'regional dashboard'],
      [`/areas/icss/${orgs.icsA}/dashboard`, 'ICS dashboard'],
      [`/services/${orgs.serviceA}/dashboard`, 'service summary'],
      ['/admin', 'permission refused'],
    ] as const) {
      await pages.open(path);
      await pages.checkAccessibility(state);
    }
    assert.equal(await pages.heading(), 'You do not have permission to see this page');
  });
});
