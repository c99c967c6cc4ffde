import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runIpsReport } from '../../../test/support/cli-harness.ts';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
  uploadGeneratedSpreadsheet,
} from '../../../test/support/test-web.ts';
import { createApiToken } from '../../accounts/api-tokens.ts';
import { recordFidelityReview } from '../../fidelity/fidelity-store.ts';
import { AUTO_FIGURES } from '../../returns/return-content.ts';

const QUARTER = '2026Q1';

/** A complete return's hand-entered part. */
const HAND_ENTERED = {
  averageWeeklyHours: '18.5',
  carriedOver: '40',
  specialistsInPost: '3',
  specialistsFunded: '3.5',
  teamLeaders: '1',
  vacancies: '0.5',
  fundingWave: 'wave-2',
  progress: 'Two new employer partnerships.',
};

/** Submits the return as its preview page's button does, with what the preview showed. */
async function submit(browser: TestBrowser, returnPath: string) {
  const preview = await browser.get(`${returnPath}/preview`);
  const previewed = /name="previewed" value="([0-9a-f]*)"/.exec(preview.body)?.[1] ?? '';
  return browser.post(`${returnPath}/submit`, { previewed });
}

/** The values of a return's rows as a page shows them. */
const figuresOnPreview = (body: string) =>
  [...body.matchAll(/<dd class="nhsuk-summary-list__value[^"]*">([^<]*)<\/dd>/g)].map((match) =>
    match[1]?.trim(),
  );

/** "From your data: N" for each figure of the return form. */
function figuresShown(body: string): Record<string, number> {
  return Object.fromEntries(
    [...body.matchAll(/id="figure-(\w+)-hint">\s*From your data: (\d+)\./g)].map((match) => [
      match[1],
      Number(match[2]),
    ]),
  );
}

for (const testDatabase of testDatabases()) {
  describe(`quarterly returns (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let manager: TestBrowser;
    let icsLead: TestBrowser;
    let otherIcsLead: TestBrowser;
    let regionalLead: TestBrowser;
    let national: TestBrowser;
    let folder: string;
    let file: string;
    let base: string;
    let borderBase: string;
    const tokens: Record<string, string> = {};

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      const managerId = await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      const icsLeadId = await createTestAccount(web.database, 'ics@nhs.net', [
        role('ics-lead', { icsId: orgs.icsA }),
      ]);
      await createTestAccount(web.database, 'other-ics@nhs.net', [
        role('ics-lead', { icsId: orgs.icsB }),
      ]);
      await createTestAccount(web.database, 'region@nhs.net', [
        role('regional-lead', { regionId: orgs.regionA }),
      ]);
      await createTestAccount(web.database, 'national@nhs.net', [role('national-lead')]);
      tokens.manager = await createApiToken(web.database, managerId, 'test', new Date());
      tokens.ics = await createApiToken(web.database, icsLeadId, 'test', new Date());
      const leader = web.browser();
      await leader.signIn('leader@nhs.net');
      const bytes = await uploadGeneratedSpreadsheet(leader, orgs.teamA1, {
        rows: 300,
        seed: 11,
        today: '2026-05-31',
      });
      folder = mkdtempSync(join(tmpdir(), 'ips-returns-'));
      file = join(folder, 'team.xlsx');
      writeFileSync(file, bytes);
      manager = web.browser();
      await manager.signIn('manager@nhs.net');
      icsLead = web.browser();
      await icsLead.signIn('ics@nhs.net');
      otherIcsLead = web.browser();
      await otherIcsLead.signIn('other-ics@nhs.net');
      regionalLead = web.browser();
      await regionalLead.signIn('region@nhs.net');
      national = web.browser();
      await national.signIn('national@nhs.net');
      base = `/services/${orgs.serviceA}/returns/${orgs.icsA}/${QUARTER}`;
      borderBase = `/services/${orgs.serviceA}/returns/${orgs.icsB}/${QUARTER}`;
    });
    after(async () => {
      await web.close();
      rmSync(folder, { recursive: true, force: true });
    });

    for (const quarter of ['2026Q1', '2026Q2']) {
      it(`fills the figures in as ips-report metrics counts the quarter's dates (${quarter})`, async () => {
        const [from, to] =
          quarter === '2026Q1' ? ['2026-01-01', '2026-03-31'] : ['2026-04-01', '2026-06-30'];
        const metrics = (status: string) => {
          const cli = runIpsReport(
            ['metrics', file, '--from', from, '--to', to, '--employment-status', status, '--json'],
            '2026-06-01',
          );
          assert.equal(cli.exitCode, 0, cli.stderr);
          return JSON.parse(cli.stdout);
        };
        const all = metrics('all');
        const page = await manager.get(
          `/services/${orgs.serviceA}/returns/${orgs.icsA}/${quarter}/edit`,
        );
        assert.equal(page.statusCode, 200);
        const shown = figuresShown(page.body);
        assert.deepEqual(shown, {
          referrals: all.referrals,
          referralsEmployed: metrics('in-work').referrals,
          vpStarts: all.vpStarts,
          activeCaseload: all.activeCaseload,
          jobStarts: all.jobStarts,
          supportedIntoWork: all.supportedIntoWork,
          firstJobStarts: all.firstJobStarts,
          sustained13: all.sustained13,
          sustained26: all.sustained26,
        });
        assert.ok(all.referrals > 0, 'the quarter has referrals');
      });
    }

    it("starts a new return with the service's latest fidelity review held by the quarter's end", async () => {
      for (const reviewDate of ['2025-11-03', '2026-05-01']) {
        await recordFidelityReview(
          web.database,
          {
            serviceId: orgs.serviceA,
            reviewDate,
            reviewType: 'peer',
            reviewerOrganisation: 'Neighbouring IPS service',
            itemScores: Array(25).fill(4),
            actionPlan: 'Keep going.',
          },
          1,
          new Date(),
        );
      }
      const page = await manager.get(`/services/${orgs.serviceA}/returns/${orgs.icsA}/2025Q4/edit`);
      // Filled in as the NHS date input's three boxes.
      assert.match(page.body, /name="fidelityDate-day"[^>]*value="3"/);
      assert.match(page.body, /name="fidelityDate-month"[^>]*value="11"/);
      assert.match(page.body, /name="fidelityDate-year"[^>]*value="2025"/);
    });

    it('labels the quarter with its months and both numberings', async () => {
      const page = await manager.get(`${base}/edit`);
      assert.match(page.body, /January to March 2026 \(calendar Q1, financial Q4 2025\/26\)/);
    });

    it('keeps a draft (autosaved too), checks it before preview, and hides it from area leads', async () => {
      await manager.get(`${base}/edit`);
      const autosaved = await manager.post(
        `${base}/edit`,
        { carriedOver: '3', action: 'save' },
        { 'x-autosave': '1' },
      );
      assert.equal(autosaved.statusCode, 204, 'with JavaScript: saved as it is typed');
      assert.match((await manager.get(`${base}/edit`)).body, /name="carriedOver"[^>]*value="3"/);
      const saved = await manager.post(`${base}/edit`, { carriedOver: '4', action: 'save' });
      assert.equal(saved.statusCode, 302, 'without JavaScript: Save draft');
      const page = await manager.get(saved.headers.location as string);
      assert.match(page.body, /Draft saved/);
      assert.match(page.body, /name="carriedOver"[^>]*value="4"/);
      const problems = await manager.post(`${base}/edit`, {
        ...HAND_ENTERED,
        'figure-referrals': '7',
        fundingWave: '',
        action: 'preview',
      });
      assert.equal(problems.statusCode, 400);
      assert.match(problems.body, /There is a problem/);
      assert.match(problems.body, /<a href="#reason-referrals">\s*Enter the reason for changing/);
      assert.match(problems.body, /<a href="#fundingWave">\s*Select the funding wave/);
      // Area leads see neither the draft nor its content; the service manager does.
      assert.equal((await icsLead.get(base)).statusCode, 403);
      assert.equal((await manager.get(base)).statusCode, 200);
      const [draft] = await web.database.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM quarterly_return_version',
      );
      assert.equal(draft?.n, 0);
    });

    it('previews exactly what readers see, submits, and records each edit and submission', async () => {
      await manager.get(`${base}/edit`);
      const saved = await manager.post(`${base}/edit`, { ...HAND_ENTERED, action: 'preview' });
      assert.equal(saved.statusCode, 302);
      assert.equal(saved.headers.location, `${base}/preview`);
      const preview = await manager.get(`${base}/preview`);
      assert.match(preview.body, /Check the return before you submit it/);
      assert.match(preview.body, /Two new employer partnerships\./);
      const submitted = await submit(manager, base);
      assert.equal(submitted.headers.location, `${base}/submitted?version=1`);
      assert.match((await manager.get(`${base}/submitted?version=1`)).body, /Return submitted/);
      const audit = await web.database.query<{ action: string }>(
        "SELECT action FROM audit_event WHERE action LIKE 'quarterly return%' ORDER BY id",
      );
      assert.ok(audit.some(({ action }) => action === 'quarterly return edited'));
      assert.equal(audit.at(-1)?.action, 'quarterly return submitted');
      const view = await icsLead.get(base);
      assert.equal(view.statusCode, 200);
      assert.match(view.body, /Version 1, submitted/);
      assert.match(view.body, /Two new employer partnerships\./);
      assert.equal((await otherIcsLead.get(base)).statusCode, 403, 'another ICS');
      assert.equal((await icsLead.get(`${base}/edit`)).statusCode, 403);

      // Saving the same form again changes nothing: no edit recorded, the return not marked changed.
      const edits = async () =>
        (
          await web.database.query(
            "SELECT 1 FROM audit_event WHERE action = 'quarterly return edited'",
          )
        ).length;
      const editsBefore = await edits();
      await manager.get(`${base}/edit`);
      await manager.post(`${base}/edit`, { ...HAND_ENTERED, action: 'save' });
      assert.equal(await edits(), editsBefore);
      assert.doesNotMatch((await icsLead.get(base)).body, /with changes/i);
    });

    it('offers no return for a quarter that has not begun', async () => {
      // The test clock is 1 June 2026: April to June is the latest quarter there can be.
      const next = `/services/${orgs.serviceA}/returns/${orgs.icsA}/2026Q3/edit`;
      assert.equal((await manager.get(next)).statusCode, 404);
      assert.equal((await manager.get(next.replace('2026Q3', '2030Q1'))).statusCode, 404);
      assert.equal((await manager.get(next.replace('2026Q3', '2026Q2'))).statusCode, 200);
    });

    it('edits and resubmits: a new version, and readers see what changed', async () => {
      const page = await manager.get(`${base}/edit`);
      const referrals = figuresShown(page.body).referrals ?? 0;
      await manager.post(`${base}/edit`, {
        ...HAND_ENTERED,
        'figure-referrals': String(referrals + 3),
        'reason-referrals': 'Three paper referrals not yet on the spreadsheet',
        action: 'preview',
      });
      const preview = await manager.get(`${base}/preview`);
      assert.match(preview.body, /Changes since the last submitted version/);
      await submit(manager, base);
      const view = await icsLead.get(base);
      assert.match(view.body, /Version 2, submitted/);
      assert.match(view.body, /What changed in version 2/);
      assert.match(
        view.body,
        new RegExp(
          `${referrals + 3} \\(changed from ${referrals} in the data: Three paper referrals not yet on the spreadsheet\\)`,
        ),
      );
      const submissions = await web.database.query(
        "SELECT 1 FROM audit_event WHERE action = 'quarterly return submitted'",
      );
      assert.equal(submissions.length, 2);
    });

    it('a return without uploaded data is filled by hand, every figure required', async () => {
      await manager.get(`${borderBase}/edit`);
      const page = await manager.get(`${borderBase}/edit`);
      assert.match(page.body, /There is no uploaded data/);
      const refused = await manager.post(`${borderBase}/edit`, {
        ...HAND_ENTERED,
        action: 'preview',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /Enter referrals received/);
      const figures = Object.fromEntries(AUTO_FIGURES.map(({ id }) => [`figure-${id}`, '2']));
      // Figures that cannot all be true, and a fidelity review after the quarter, are refused.
      const impossible = await manager.post(`${borderBase}/edit`, {
        ...HAND_ENTERED,
        ...figures,
        'figure-jobStarts': '1',
        'figure-firstJobStarts': '3',
        'fidelityDate-day': '1',
        'fidelityDate-month': '4',
        'fidelityDate-year': '2026',
        fidelityType: 'peer',
        fidelityScore: '100',
        action: 'preview',
      });
      assert.equal(impossible.statusCode, 400);
      assert.match(
        impossible.body,
        /People supported into work cannot be more than the job starts/,
      );
      assert.match(
        impossible.body,
        /People entering their first job cannot be more than the people supported into work/,
      );
      assert.match(impossible.body, /held by the end of the quarter \(31 March 2026\)/);
      // A review date without its year says which box is missing, links to it and keeps the rest.
      const noYear = await manager.post(`${borderBase}/edit`, {
        ...HAND_ENTERED,
        ...figures,
        'fidelityDate-day': '14',
        'fidelityDate-month': '2',
        'fidelityDate-year': '',
        fidelityType: 'peer',
        fidelityScore: '100',
        action: 'preview',
      });
      assert.equal(noYear.statusCode, 400);
      assert.match(
        noYear.body,
        /href="#fidelityDate-year">\s*The date of the latest fidelity review must include a year/,
      );
      assert.match(noYear.body, /name="fidelityDate-day"[^>]*value="14"/);
      const saved = await manager.post(`${borderBase}/edit`, {
        ...HAND_ENTERED,
        ...figures,
        'figure-referrals': '5',
        action: 'preview',
      });
      assert.equal(saved.statusCode, 302);
      await manager.get(`${borderBase}/preview`);
      await submit(manager, borderBase);
      assert.match((await manager.get(borderBase)).body, /5 \(entered by hand\)/);
    });

    it('the regional list shows each status, and the roll-up adds up the submitted returns', async () => {
      const page = await regionalLead.get(
        `/areas/regions/${orgs.regionA}/returns?quarter=${QUARTER}`,
      );
      assert.equal(page.statusCode, 200);
      // Region A holds ICS A only: Northshire's return there, submitted.
      assert.deepEqual(
        [...page.body.matchAll(/data-return-status>([^<]*)</g)].map((match) => match[1]),
        ['Submitted (version 2)'],
      );
      const england = await national.get(`/areas/england/returns?quarter=${QUARTER}`);
      const statuses = [...england.body.matchAll(/data-return-status>([^<]*)</g)].map(
        (match) => match[1],
      );
      assert.deepEqual(statuses.sort(), [
        'Not started',
        'Submitted (version 1)',
        'Submitted (version 2)',
      ]);
      const csv = await national.get(`/areas/england/returns?quarter=${QUARTER}&format=csv`);
      const lines = csv.body.trim().split('\r\n');
      const column = lines[0]?.split(',').indexOf('Referrals received') ?? -1;
      // The quarter's label, quoted (it holds a comma), comes first on every line.
      const value = (line: string | undefined) =>
        Number(line?.replace(/^"[^"]*"/, 'quarter').split(',')[column]);
      const services = lines.filter((line) => line.includes(',Northshire IPS,'));
      const total = lines.find((line) => line.includes(',All of England,'));
      assert.ok(
        lines
          .slice(1)
          .every((line) => line.startsWith('"January to March 2026 (calendar Q1, financial')),
      );
      assert.equal(services.length, 2);
      assert.equal(value(total), value(services[0]) + value(services[1]));
      assert.ok(value(total) > 5);
      // The small-number rule, on by default for areas: counts of 1 to 4 are "<5", in each
      // service's row and in the totals; zero and WTEs (staff, not clients) are shown as they are.
      const cell = (line: string | undefined, heading: string) =>
        line
          ?.replace(/^"[^"]*"/, 'quarter')
          .split(',')
          [lines[0]?.split(',').indexOf(heading) ?? -1]?.trim();
      const lancashire = lines.find((line) =>
        line.includes(',Northshire IPS,NHS Lancashire and South Cumbria ICB,'),
      );
      const lancashireTotal = lines.find((line) =>
        line.includes(',ICS: NHS Lancashire and South Cumbria ICB,'),
      );
      for (const line of [lancashire, lancashireTotal]) {
        assert.equal(cell(line, 'Vocational profile starts (access)'), '<5');
        assert.equal(cell(line, 'Team leaders (WTE)'), '1');
      }
      assert.equal(cell(total, 'Of which employed at referral'), '5');
      assert.match(
        england.body,
        /<td class="nhsuk-table__cell nhsuk-table__cell--numeric">&lt;5<\/td>/,
      );
      const xlsx = await national.get(`/areas/england/returns?quarter=${QUARTER}&format=xlsx`);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
    });

    it('the national lead sets the deadline; nobody else can', async () => {
      await national.get(`/areas/england/returns?quarter=${QUARTER}`);
      const bad = await national.post('/areas/england/returns/deadline', {
        quarter: QUARTER,
        'deadline-day': '31',
        'deadline-month': '4',
        'deadline-year': '2026',
      });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /The deadline must be a real date/);
      assert.match(bad.body, /href="#deadline-day"/);
      const set = await national.post('/areas/england/returns/deadline', {
        quarter: QUARTER,
        deadline: '2026-04-30',
      });
      assert.equal(set.statusCode, 302);
      assert.match(
        (await regionalLead.get(`/areas/regions/${orgs.regionA}/returns?quarter=${QUARTER}`)).body,
        /Deadline: 30 April 2026/,
      );
      await regionalLead.get(`/areas/regions/${orgs.regionA}/returns`);
      const refused = await regionalLead.post('/areas/england/returns/deadline', {
        quarter: QUARTER,
        deadline: '2026-05-01',
      });
      assert.equal(refused.statusCode, 403);
    });

    it('GET /api/v1/returns gives what the caller may see: submitted content, never a draft', async () => {
      await manager.get(`/services/${orgs.serviceA}/returns/${orgs.icsA}/2026Q2/edit`);
      await manager.post(`/services/${orgs.serviceA}/returns/${orgs.icsA}/2026Q2/edit`, {
        carriedOver: '1',
      });
      const call = async (token: string | undefined, query: string) => {
        const response = await web.app.inject({
          url: `/api/v1/returns?${query}`,
          headers: { authorization: `Bearer ${token}` },
        });
        return { status: response.statusCode, body: JSON.parse(response.body) };
      };
      const ics = await call(tokens.ics, `quarter=${QUARTER}`);
      assert.equal(ics.status, 200);
      assert.deepEqual(
        ics.body.map((each: { ics: { id: number }; status: string; version: number }) => [
          each.ics.id,
          each.status,
          each.version,
        ]),
        [[orgs.icsA, 'submitted', 2]],
      );
      assert.equal(ics.body[0].content.narrative.progress, 'Two new employer partnerships.');
      const draftQuarter = await call(tokens.ics, 'quarter=2026Q2');
      assert.deepEqual(draftQuarter.body, [], 'a draft is not for the ICS lead');
      const own = await call(tokens.manager, 'quarter=2026Q2');
      assert.deepEqual(
        own.body.map((each: { status: string; content: unknown }) => [each.status, each.content]),
        [
          ['draft', null],
          ['not started', null],
        ],
      );
      assert.equal((await call(tokens.ics, 'quarter=2026Q5')).status, 400);
    });

    // Last: its upload changes the team's data under the tests above.
    it('sends a return back to be checked when an upload has changed its figures since the preview', async () => {
      const path = `/services/${orgs.serviceA}/returns/${orgs.icsA}/2025Q3`;
      await manager.get(`${path}/edit`);
      await manager.post(`${path}/edit`, { ...HAND_ENTERED, action: 'preview' });
      const before = await manager.get(`${path}/preview`);
      const previewed = /name="previewed" value="([0-9a-f]*)"/.exec(before.body)?.[1] ?? '';
      const leader = web.browser();
      await leader.signIn('leader@nhs.net');
      await uploadGeneratedSpreadsheet(leader, orgs.teamA1, {
        rows: 300,
        seed: 12,
        today: '2026-05-31',
      });
      const stale = await manager.post(`${path}/submit`, { previewed });
      assert.equal(stale.statusCode, 409);
      assert.match(stale.body, /The figures have changed/);
      assert.ok(figuresOnPreview(before.body).length > 9);
      assert.notDeepEqual(figuresOnPreview(stale.body), figuresOnPreview(before.body));
      const versions = await web.database.query(
        "SELECT 1 FROM quarterly_return_version v JOIN quarterly_return r ON r.id = v.return_id WHERE r.quarter = '2025Q3'",
      );
      assert.equal(versions.length, 0, 'nothing submitted');
      const resent = await submit(manager, path);
      assert.equal(resent.statusCode, 302);
      assert.match(String(resent.headers.location), /submitted\?version=1/);
    });
  });
}
