import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runIpsReport } from '../../../test/support/cli-harness.ts';
import {
  linkedCounts,
  metricCells,
  tableHead,
  tableRows,
} from '../../../test/support/html-tables.ts';
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
import { HOME_FIGURES } from '../../dashboards/home-figures.ts';
import { DASHBOARD_VIEWS } from '../../dashboards/scope-figures.ts';
import { QUALITY_GUIDANCE } from '../../metrics/guidance.ts';
import { TARGET_STATUS_NAMES, targetStatus } from '../../metrics/targets.ts';
import { setTarget } from '../../targets/target-store.ts';
import { yearEarlierText } from './headline-context.ts';

const heading = (body: string) => /<h1[^>]*>([^<]*)</.exec(body)?.[1]?.trim();

/** The first value shown for each data-metric id on a page (the headline figures come first). */
function headline(body: string): Record<string, string> {
  const figures: Record<string, string> = {};
  for (const match of body.matchAll(/data-metric="(\w+)">(?:<a [^>]*>)?([^<]*)</g)) {
    const [, id, value] = match;
    if (id !== undefined && figures[id] === undefined) figures[id] = value ?? '';
  }
  return figures;
}

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

for (const testDatabase of testDatabases()) {
  describe(`dashboards (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let leader: TestBrowser;
    let folder: string;
    let file: string;

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      leader = web.browser();
      await leader.signIn('leader@nhs.net');
      const bytes = await uploadGeneratedSpreadsheet(leader, orgs.teamA1, {
        rows: 400,
        seed: 9,
        today: '2026-05-31',
      });
      folder = mkdtempSync(join(tmpdir(), 'ips-dashboard-'));
      file = join(folder, 'team.xlsx');
      writeFileSync(file, bytes);
    });
    after(async () => {
      await web.close();
      rmSync(folder, { recursive: true, force: true });
    });

    for (const [from, to, status] of [
      ['2025-04-01', '2026-03-31', 'all'],
      ['2026-04-01', '2027-03-31', 'all'],
      ['2024-01-01', '2026-05-31', 'out-of-work'],
    ] as const) {
      it(`shows the figures ips-report metrics gives for the same file (${from} to ${to}, ${status})`, async () => {
        const cli = runIpsReport(
          ['metrics', file, '--from', from, '--to', to, '--employment-status', status, '--json'],
          '2026-06-01',
        );
        assert.equal(cli.exitCode, 0, cli.stderr);
        const expected = JSON.parse(cli.stdout);
        const page = await leader.get(
          `/teams/${orgs.teamA1}/dashboard?period=custom&from=${from}&to=${to}&employmentStatus=${status}`,
        );
        assert.equal(page.statusCode, 200);
        const shown = headline(page.body);
        for (const id of COUNTS) assert.equal(shown[id], expected[id].toLocaleString('en-GB'), id);
        assert.ok(
          COUNTS.some((id) => expected[id] > 0),
          'the period has figures to compare',
        );
      });
    }

    it('sets each headline count beside the same days a year earlier, and beside its target', async () => {
      const engine = (from: string, to: string) => {
        const cli = runIpsReport(
          ['metrics', file, '--from', from, '--to', to, '--json'],
          '2026-06-01',
        );
        assert.equal(cli.exitCode, 0, cli.stderr);
        return JSON.parse(cli.stdout) as Record<(typeof COUNTS)[number], number>;
      };
      const lastYear = engine('2025-04-01', '2026-03-31');
      const yearBefore = engine('2024-04-01', '2025-03-31');
      await setTarget(web.database, {
        scope: { type: 'team', id: orgs.teamA1 },
        year: 2025,
        measure: 'referrals',
        target: 500,
        accountId: 1,
        at: new Date(),
      });
      const page = await leader.get(
        `/teams/${orgs.teamA1}/dashboard?period=custom&from=2025-04-01&to=2026-03-31`,
      );
      const texts = (attribute: string) =>
        Object.fromEntries(
          [...page.body.matchAll(new RegExp(`${attribute}="(\\w+)">([^<]*)<`, 'g'))].map(
            ([, id, text]) => [id, text],
          ),
        );
      const yearEarlier = texts('data-year-earlier');
      for (const id of COUNTS)
        assert.equal(yearEarlier[id], yearEarlierText(lastYear[id], yearBefore[id], false), id);
      assert.ok(
        COUNTS.some((id) => yearBefore[id] > 0),
        'the year before has figures to compare',
      );
      // A whole financial year: the counts are its actuals, so the target is set beside them.
      const status = TARGET_STATUS_NAMES[targetStatus(lastYear.referrals, 500)].toLowerCase();
      assert.equal(
        texts('data-target').referrals,
        `Target for 2025/26: 500. Expected by 31 March 2026: 500, ${status}`,
      );
      assert.equal(texts('data-target').vpStarts, undefined, 'no target, no words');
      // A month is not a year: no target beside it; a period not yet begun has no year earlier.
      const month = await leader.get(
        `/teams/${orgs.teamA1}/dashboard?period=custom&from=2026-05-01&to=2026-05-31`,
      );
      assert.doesNotMatch(month.body, /data-target=/);
      assert.match(month.body, /data-year-earlier="referrals"/);
      const future = await leader.get(
        `/teams/${orgs.teamA1}/dashboard?period=custom&from=2027-01-01&to=2027-01-31`,
      );
      assert.doesNotMatch(future.body, /data-year-earlier=/);
      await setTarget(web.database, {
        scope: { type: 'team', id: orgs.teamA1 },
        year: 2025,
        measure: 'referrals',
        target: null,
        accountId: 1,
        at: new Date(),
      });
    });

    it('puts each scope’s figures for this financial year on the home page, as its dashboard counts them', async () => {
      const rowOf = (cells: readonly string[] | undefined) => cells?.slice(1);
      const dashboardRow = (body: string) => {
        const shown = headline(body);
        return HOME_FIGURES.map((id) => (shown[id] ?? '').replace('&lt;', '<'));
      };
      // The team leader: the team's own row.
      const team = await leader.get('/');
      assert.equal(team.statusCode, 200);
      const teamRows = tableRows(team.body, /: 20\d\d\/\d\d so far/);
      assert.equal(teamRows.length, 1);
      assert.deepEqual(
        rowOf(teamRows[0]),
        dashboardRow((await leader.get(`/teams/${orgs.teamA1}/dashboard`)).body),
      );
      assert.ok(
        teamRows[0]?.slice(1).some((count) => count !== '0'),
        'the year has figures',
      );
      // A national lead: England, then every region, each with its dashboard.
      await createTestAccount(web.database, 'home-national@nhs.net', [role('national-lead')]);
      const national = web.browser();
      await national.signIn('home-national@nhs.net');
      const home = await national.get('/');
      const rows = tableRows(home.body, /^England: /);
      assert.equal(rows[0]?.[0], 'All of England');
      assert.deepEqual(
        rowOf(rows[0]),
        dashboardRow((await national.get('/areas/england/dashboard')).body),
      );
      const regions = await web.database.query<{ name: string }>(
        'SELECT name FROM region ORDER BY id',
      );
      assert.deepEqual(
        rows.slice(1).map(([name]) => name),
        regions.map(({ name }) => name),
      );
      const regionA = await web.database.query<{ name: string }>(
        'SELECT name FROM region WHERE id = $1',
        [orgs.regionA],
      );
      const regionRow = rows.find(([name]) => name === regionA[0]?.name);
      assert.deepEqual(
        rowOf(regionRow),
        dashboardRow((await national.get(`/areas/regions/${orgs.regionA}/dashboard`)).body),
      );
      assert.match(home.body, new RegExp(`href="/areas/regions/${orgs.regionA}/dashboard"`));
      assert.match(home.body, /Counts from 1 to 4 are shown as "&lt;5"/);
    });

    it('shows the quality indicators ips-report metrics gives for the same file and period', async () => {
      const cli = runIpsReport(
        ['metrics', file, '--from', '2025-04-01', '--to', '2026-03-31', '--json'],
        '2026-06-01',
      );
      const expected = JSON.parse(cli.stdout);
      const page = await leader.get(
        `/teams/${orgs.teamA1}/dashboard?view=quality&period=custom&from=2025-04-01&to=2026-03-31`,
      );
      assert.equal(page.statusCode, 200);
      const shown = headline(page.body);
      const percent = (share: number | null) =>
        share === null ? 'no data' : `${Math.round(share * 1000) / 10}%`;
      const contact = expected.daysToFirstContact;
      assert.ok(contact.n > 0, 'the period has first contacts');
      assert.equal(
        shown.daysToFirstContact,
        `Median ${contact.median} days; ${percent(contact.withinTarget)} within 5 days (${contact.n} records)`,
      );
      const employer = expected.daysToEmployerContact;
      assert.equal(
        shown.daysToEmployerContact,
        `Median ${employer.median} days; ${percent(employer.withinTarget)} within 30 days (${employer.n} records)`,
      );
      assert.equal(
        shown.employedShareOfCaseload,
        `${percent(expected.employedShareOfCaseload)} (fidelity: at least 30%)`,
      );
      assert.equal(
        shown.retentionShare,
        `${percent(expected.retentionShare)} (guidance: at most 15%)`,
      );
      assert.equal(
        shown.employmentRate,
        `${percent(expected.employmentRate)} (IPS Grow benchmark 40%)`,
      );
      const bands = metricCells(page.body, 'timeToFirstJob').map(Number);
      assert.deepEqual(bands, [
        expected.timeToFirstJob.under6m,
        expected.timeToFirstJob['6to12m'],
        expected.timeToFirstJob.over12m,
        expected.timeToFirstJob.noVpStart,
      ]);
      const caseloads = metricCells(page.body, 'caseloadPerSpecialist').map(Number);
      assert.deepEqual(caseloads, Object.values(expected.caseloadPerSpecialist));
      const specialists = Object.keys(expected.caseloadPerSpecialist).length;
      const activeCaseload = expected.activeCaseload as number;
      assert.equal(
        shown.caseloadPerSpecialist,
        `${Math.round((activeCaseload / specialists) * 10) / 10} (${specialists} specialists; fidelity range 20 to 25)`,
      );
    });

    it('sets the service’s rates beside its ICSs, regions and England on the benchmarking view', async () => {
      await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      const manager = web.browser();
      await manager.signIn('manager@nhs.net');
      const cli = JSON.parse(
        runIpsReport(
          ['metrics', file, '--from', '2025-04-01', '--to', '2026-03-31', '--json'],
          '2026-06-01',
        ).stdout,
      );
      const page = await manager.get(
        `/services/${orgs.serviceA}/dashboard?view=benchmarking&period=custom&from=2025-04-01&to=2026-03-31`,
      );
      assert.equal(page.statusCode, 200);
      const columns = tableHead(page.body, /^Northshire IPS beside /);
      // The service, the ICSs then regions of its teams (Border team first), then England: areas
      // named, other services not.
      assert.equal(columns?.length, 7);
      assert.deepEqual(
        [columns?.[0], columns?.[1], columns?.[6]],
        ['Rate', 'Northshire IPS', 'England'],
      );
      assert.doesNotMatch(page.body, /Southshire IPS/);
      // Only team A1 has records: the columns holding it show the file's rate, the others none.
      const rate = `${Math.round(cli.employmentRate * 1000) / 10}%`;
      const [, ...row] =
        tableRows(page.body, /^Northshire IPS beside /).find(
          ([name]) => name === 'Employment rate',
        ) ?? [];
      assert.deepEqual(row, [rate, 'no data', rate, 'no data', rate, rate]);
      assert.match(page.body, /no data \(team size not recorded\)/);
      const teamPage = await leader.get(`/teams/${orgs.teamA1}/dashboard?view=benchmarking`);
      assert.doesNotMatch(teamPage.body, /Rates beside the wider areas/, 'for services only');
    });

    it('gives the same machine-readable figures through GET /api/v1/metrics, to those allowed', async () => {
      const [account] = await web.database.query<{ id: number }>(
        "SELECT id FROM account WHERE email = 'leader@nhs.net'",
      );
      const token = await createApiToken(web.database, account?.id ?? 0, 'reporting', new Date());
      const call = async (query: string, bearer: string | null = token) => {
        const response = await web.app.inject({
          url: `/api/v1/metrics?${query}`,
          headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
        });
        return { status: response.statusCode, body: JSON.parse(response.body) };
      };
      const cli = runIpsReport(
        ['metrics', file, '--from', '2025-04-01', '--to', '2026-03-31', '--json'],
        '2026-06-01',
      );
      const api = await call(`from=2025-04-01&to=2026-03-31&today=2026-06-01&team=${orgs.teamA1}`);
      assert.equal(api.status, 200);
      // The API adds the quality indicators' guidance beside docs/METRICS.md's object.
      const { guidance, ...figures } = api.body;
      assert.deepEqual(figures, JSON.parse(cli.stdout));
      assert.deepEqual(guidance, QUALITY_GUIDANCE);
      assert.equal((await call(`from=2025-04-01&to=2026-03-31&team=${orgs.teamB1}`)).status, 403);
      assert.equal(
        (await call('from=2025-04-01&to=2026-03-31')).status,
        403,
        'England is for the national lead',
      );
      assert.equal(
        (await call(`from=2025-04-01&to=2026-03-31&region=${orgs.regionA}`)).status,
        403,
      );
      const bad = await call(`from=2025-02-30&to=2026-03-31&team=${orgs.teamA1}`);
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.problems, ['from is not a real date']);
      assert.equal(
        (await call(`from=2025-04-01&to=2026-03-31&team=${orgs.teamA1}&service=${orgs.serviceA}`))
          .status,
        400,
      );
      assert.equal(
        (await call(`from=2025-04-01&to=2026-03-31&team=${orgs.teamA1}`, null)).status,
        401,
      );
    });

    it('breaks a team down by specialist for its leader, with a chart and its table', async () => {
      const page = await leader.get(`/teams/${orgs.teamA1}/dashboard`);
      assert.match(page.body, /By employment specialist/);
      assert.match(page.body, /<svg aria-hidden="true"/);
      assert.match(page.body, /By month/);
    });

    it('exports the view as CSV and XLSX, and the chart as SVG', async () => {
      const view = `/teams/${orgs.teamA1}/dashboard?period=custom&from=2025-04-01&to=2026-03-31&employmentStatus=all`;
      const page = await leader.get(view);
      assert.match(page.body, /format=csv/);
      const expected = JSON.parse(
        runIpsReport(
          ['metrics', file, '--from', '2025-04-01', '--to', '2026-03-31', '--json'],
          '2026-06-01',
        ).stdout,
      );
      const csv = await leader.get(`${view}&format=csv`);
      assert.equal(csv.statusCode, 200);
      assert.match(
        csv.headers['content-disposition'] as string,
        /attachment; filename="north-team-2025-04-01-to-2026-03-31.csv"/,
      );
      assert.match(csv.body, new RegExp(`\r\nReferrals,${expected.referrals}\r\n`));
      assert.match(csv.body, new RegExp(`\r\nActive caseload,${expected.activeCaseload}\r\n`));
      assert.match(csv.body, /By employment specialist\r\nEmployment specialist,Referrals,/);
      assert.match(csv.body, /By month\r\nMonth,Referrals,/);
      const xlsx = await leader.get(`${view}&format=xlsx`);
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
      const svg = await leader.get(`${view}&format=svg`);
      assert.equal(svg.headers['content-type'], 'image/svg+xml');
      assert.match(svg.body, /^<svg /);
    });

    it('links every figure of every view to exactly the records behind it', async () => {
      const period = 'period=custom&from=2025-04-01&to=2026-03-31&employmentStatus=out-of-work';
      const links = new Map<string, string>();
      for (const view of DASHBOARD_VIEWS) {
        // One specialist's figures link to their records only, on a few views (time is short).
        const withins = ['overview', 'jobs'].includes(view) ? ['', '&within=specialist:AB'] : [''];
        for (const within of withins) {
          const page = await leader.get(
            `/teams/${orgs.teamA1}/dashboard?view=${view}&${period}${within}`,
          );
          // A count's link holds the count; a wait's link follows the figure that gives its n.
          for (const [, href = '', count = ''] of page.body.matchAll(
            /href="(\/teams\/\d+\/records\?[^"]+)">([\d,]+)</g,
          )) {
            links.set(href, count);
          }
          for (const [, count = '', href = ''] of page.body.matchAll(
            /\(([\d,]+) records\)<\/span>\s*<a [^>]*href="(\/teams\/\d+\/records\?[^"]+)"/g,
          )) {
            links.set(href, count);
          }
        }
      }
      for (const [href, count] of [...links]) {
        links.delete(href);
        links.set(href.replace(/&amp;/g, '&'), count.replace(/,/g, ''));
      }
      const kinds = new Set(
        [...links.keys()].map((href) => new URL(href, 'http://x').searchParams),
      );
      const asked = (name: string) =>
        new Set([...kinds].map((parameters) => parameters.get(name)).filter(Boolean));
      for (const metric of [
        ...COUNTS,
        'sustainedByHours',
        'timeToFirstJob',
        'daysToFirstContact',
        'daysToEmployerContact',
      ]) {
        assert.ok(asked('metric').has(metric), `some figure links to the records behind ${metric}`);
      }
      assert.deepEqual([...asked('dimension')].sort(), [
        'ageBand',
        'benefits',
        'employmentStatus',
        'ethnicity',
        'gender',
        'localAuthority',
        'referralSource',
        'referralSourceCategory',
      ]);
      for (const [href, count] of links) {
        const records = await leader.get(href);
        assert.equal(records.statusCode, 200, href);
        const total = Number(
          /<p>\s*([\d,]+) records?\b/.exec(records.body)?.[1]?.replace(/,/g, ''),
        );
        // Job starts count jobs, not records: one record can be behind several.
        if (href.includes('metric=jobStarts')) assert.ok(total <= Number(count), href);
        else assert.equal(total, Number(count), href);
      }
      assert.ok(links.size > 100, `${links.size} links`);
      // A share's records: those it is taken over, and how many it counts, as the figure says.
      const quality = await leader.get(`/teams/${orgs.teamA1}/dashboard?view=quality&${period}`);
      const shareLinks = [
        ...quality.body.matchAll(
          /data-metric="(\w+)">([\d.]+)%[^<]*<\/span>\s*<a [^>]*href="([^"]+)"/g,
        ),
      ];
      assert.deepEqual(
        shareLinks.map(([, id]) => id),
        ['employedShareOfCaseload', 'retentionShare', 'employmentRate'],
      );
      for (const [, id, percent, href = ''] of shareLinks) {
        const records = await leader.get(href.replace(/&amp;/g, '&'));
        const [, total, counted] =
          /<p>\s*(\d+) records?, (\d+) of them/.exec(records.body)?.map(Number) ?? [];
        assert.equal(Math.round(((counted ?? 0) / (total ?? 1)) * 1000) / 10, Number(percent), id);
      }
      // The average caseload per specialist is taken over the active caseload.
      const [, average, specialists, caseloadHref = ''] =
        /data-metric="caseloadPerSpecialist">([\d.]+) \((\d+) specialists[^<]*<\/span>\s*<a [^>]*href="([^"]+)"/.exec(
          quality.body,
        ) ?? [];
      const caseload = await leader.get(caseloadHref.replace(/&amp;/g, '&'));
      const caseloadTotal = Number(/<p>\s*(\d+) records?\b/.exec(caseload.body)?.[1]);
      assert.match(caseload.body, /Records behind active caseload/);
      assert.equal(Math.round((caseloadTotal / Number(specialists)) * 10) / 10, Number(average));
      // A wait with no records to measure has nothing to open.
      const empty = await leader.get(
        `/teams/${orgs.teamA1}/dashboard?view=quality&period=custom&from=2015-04-01&to=2015-06-30`,
      );
      assert.match(empty.body, /no data \(no records with both dates\)/);
      assert.doesNotMatch(empty.body, /See the records/);
      assert.ok(
        [...links.keys()].some((href) => href.includes('specialist=AB')),
        'a specialist’s figures link to their own records',
      );
    });

    it('opens the records behind each count, and lets the team leader remove one entered in error', async () => {
      const view = `/teams/${orgs.teamA1}/dashboard?period=custom&from=2025-04-01&to=2026-03-31&employmentStatus=all`;
      const page = await leader.get(view);
      const shown = headline(page.body);
      for (const metric of ['referrals', 'vpStarts', 'jobStarts', 'sustained13'] as const) {
        const href = new RegExp(
          `href="(/teams/${orgs.teamA1}/records\\?metric=${metric}&[^"]+)"`,
        ).exec(page.body)?.[1];
        assert.ok(href, `${metric} links to its records`);
        const records = await leader.get(href.replace(/&amp;/g, '&'));
        const listed = (records.body.match(/\/records\/\d+\/remove"/g) ?? []).length;
        // Job starts count jobs, not records: one record can be behind several.
        if (metric === 'jobStarts') {
          assert.ok(listed < Number(shown[metric]), metric);
          assert.match(records.body, new RegExp(`holding ${shown[metric]} job starts`));
        } else assert.equal(listed, Number(shown[metric]), metric);
      }
      assert.doesNotMatch(
        (await leader.get(`/teams/${orgs.teamA1}/records`)).body,
        /CLIENT|client-key|clientKey/,
      );
      const all = await leader.get(`/teams/${orgs.teamA1}/records`);
      const referralId = /\/records\/(\d+)\/remove"/.exec(all.body)?.[1];
      const before =
        (await web.database.query<{ n: number }>('SELECT count(*)::int AS n FROM referral'))[0]
          ?.n ?? 0;
      const confirm = await leader.get(`/teams/${orgs.teamA1}/records/${referralId}/remove`);
      assert.equal(heading(confirm.body), 'Remove this record?');
      const removed = await leader.post(`/teams/${orgs.teamA1}/records/${referralId}/remove`);
      assert.equal(removed.statusCode, 302);
      assert.equal(
        (await web.database.query<{ n: number }>('SELECT count(*)::int AS n FROM referral'))[0]?.n,
        before - 1,
      );
      const history = await leader.get(`/teams/${orgs.teamA1}/upload`);
      assert.match(history.body, /Record removed by hand/);

      await createTestAccount(web.database, 'records-manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'records-commissioner@nhs.net', [
        role('commissioner', { serviceId: orgs.serviceA }),
      ]);
      const manager = web.browser();
      await manager.signIn('records-manager@nhs.net');
      assert.equal((await manager.get(`/teams/${orgs.teamA1}/records`)).statusCode, 200);
      assert.equal(
        (await manager.get(`/teams/${orgs.teamA1}/records/${referralId}/remove`)).statusCode,
        403,
      );
      const commissioner = web.browser();
      await commissioner.signIn('records-commissioner@nhs.net');
      assert.equal((await commissioner.get(`/teams/${orgs.teamA1}/records`)).statusCode, 403);

      // The service's manager opens the records behind the whole service's figures too.
      const serviceView = `/services/${orgs.serviceA}/dashboard?view=demographics&period=custom&from=2025-04-01&to=2026-03-31&employmentStatus=all`;
      const linksOf = (body: string) =>
        [...body.matchAll(/href="(\/services\/\d+\/records\?[^"]+)">([\d,]+)</g)].map(
          ([, href = '', count = '']) => [href.replace(/&amp;/g, '&'), Number(count)] as const,
        );
      const serviceLinks = linksOf((await manager.get(serviceView)).body);
      assert.ok(serviceLinks.length > 10, `${serviceLinks.length} links`);
      for (const [href, count] of serviceLinks) {
        const records = await manager.get(href);
        const total = Number(
          /<p>\s*([\d,]+) records?\b/.exec(records.body)?.[1]?.replace(/,/g, ''),
        );
        if (href.includes('metric=jobStarts')) assert.ok(total <= count, href);
        else assert.equal(total, count, href);
        assert.match(records.body, /<th scope="col" class="nhsuk-table__header">Team<\/th>/);
        assert.match(records.body, /North team/);
      }
      // Narrowed to a team, the links keep to it.
      const narrowed = linksOf(
        (await manager.get(`${serviceView}&within=team:${orgs.teamA1}`)).body,
      );
      assert.ok(narrowed.length > 0);
      assert.ok(narrowed.every(([href]) => href.includes(`within=team%3A${orgs.teamA1}`)));
      const oneTeam = await manager.get(narrowed[0]?.[0] ?? '');
      assert.doesNotMatch(oneTeam.body, /header">Team<\/th>/);
      assert.match(oneTeam.body, /Northshire IPS, Team: North team/);
      const extract = await manager.get(`/services/${orgs.serviceA}/records?format=csv`);
      assert.match(extract.body, /^Team,/);
      // Not for commissioners, nor another service's records.
      assert.equal(linksOf((await commissioner.get(serviceView)).body).length, 0);
      assert.equal((await commissioner.get(`/services/${orgs.serviceA}/records`)).statusCode, 403);
      assert.equal((await manager.get(`/services/${orgs.serviceB}/records`)).statusCode, 403);
      // One specialist's records are ES-level detail: the team leader's, not the manager's.
      for (const href of [
        `/teams/${orgs.teamA1}/records?specialist=AB`,
        `/services/${orgs.serviceA}/records?specialist=AB`,
      ]) {
        assert.equal((await manager.get(href)).statusCode, 403, href);
      }
      assert.equal(
        (await leader.get(`/teams/${orgs.teamA1}/records?specialist=AB`)).statusCode,
        200,
      );
      // A value of a field that no record holds is no row of a dashboard, and is not echoed.
      const madeUp = await manager.get(
        `/services/${orgs.serviceA}/records?metric=referrals&dimension=gender&value=Call%20this%20number`,
      );
      assert.equal(madeUp.statusCode, 404);
      assert.doesNotMatch(madeUp.body, /Call this number/);
    });

    it('renders every view, and its breakdowns add up to its headline figures', async () => {
      const base = `/teams/${orgs.teamA1}/dashboard?period=custom&from=2024-04-01&to=2026-03-31`;
      for (const view of DASHBOARD_VIEWS) {
        const page = await leader.get(`${base}&view=${view}`);
        assert.equal(page.statusCode, 200, view);
      }
      // A column of a table found by its caption (a section's heading above it also names it),
      // counted from the first after the row's name.
      const tableSums = (body: string, caption: RegExp, column: number) =>
        tableRows(body, caption).reduce(
          (sum, [, ...cells]) => sum + Number(cells[column]?.replace(/,/g, '') ?? 0),
          0,
        );
      const demographics = await leader.get(`${base}&view=demographics`);
      const counts = headline(demographics.body);
      assert.equal(
        tableSums(demographics.body, /by gender/, 0),
        Number(counts.referrals),
        'referrals by gender',
      );
      assert.equal(
        tableSums(demographics.body, /by ethnicity/, 2),
        Number(counts.jobStarts),
        'job starts by ethnicity',
      );
      const sustainments = await leader.get(`${base}&view=sustainments`);
      const sustained = headline(sustainments.body);
      const [, ...thirteen] =
        tableRows(sustainments.body, /by average weekly hours/).find(
          ([name]) => name === '13 weeks',
        ) ?? [];
      const bandTotal = thirteen.reduce((sum, count) => sum + Number(count), 0);
      assert.equal(bandTotal, Number(sustained.sustained13));
      const freshness = await leader.get(`${base}&view=freshness`);
      const [, ...north] =
        tableRows(freshness.body, /latest upload/).find(([name]) => name === 'North team') ?? [];
      assert.match(north.join(' | '), /^\d{4}-\d{2}-\d{2} \| \d+ \| Yes$/);
    });

    it('links every count in a breakdown to the records behind it', async () => {
      const base = `/teams/${orgs.teamA1}/dashboard?period=custom&from=2025-04-01&to=2026-03-31`;
      const page = await leader.get(base);
      const links = linkedCounts(page.body);
      assert.ok(links.length > 20, `${links.length} linked counts`);
      for (const { metric, href, count } of links.filter((_, index) => index % 7 === 0)) {
        // Job starts count jobs, and a record can have several.
        if (metric === 'jobStarts') continue;
        const records = await leader.get(href);
        const listed = (records.body.match(/\/records\/\d+\/remove"/g) ?? []).length;
        assert.equal(listed, Number(count.replace(/,/g, '')), `${metric} via ${href}`);
      }
    });

    it('narrows to one specialist, and offers only what the viewer may see', async () => {
      const base = `/teams/${orgs.teamA1}/dashboard?period=custom&from=2024-04-01&to=2026-03-31`;
      const whole = await leader.get(base);
      const options = [...whole.body.matchAll(/<option value="(specialist:[A-Z]+)"/g)].map(
        (match) => match[1],
      );
      assert.ok(options.length >= 2, 'each specialist is offered');
      const bySpecialist = headline(whole.body);
      let sum = 0;
      for (const option of options) {
        const narrowed = headline((await leader.get(`${base}&within=${option}`)).body);
        sum += Number(narrowed.referrals);
      }
      assert.equal(sum, Number(bySpecialist.referrals), 'the specialists add up to the team');
      const ignored = headline((await leader.get(`${base}&within=team:${orgs.teamB1}`)).body);
      assert.deepEqual(ignored, bySpecialist, 'a choice not offered is ignored, never widened');
    });

    it('refuses a custom period that is not one, saying why', async () => {
      const page = await leader.get(
        `/teams/${orgs.teamA1}/dashboard?period=custom&from=2026-02-30&to=2026-03-01`,
      );
      assert.equal(page.statusCode, 400);
      assert.match(page.body, /The start date must be a real date/);
      const typed = (from: string, to: string) => {
        const [fromDay, fromMonth, fromYear] = from.split('/');
        const [toDay, toMonth, toYear] = to.split('/');
        return leader.get(
          `/teams/${orgs.teamA1}/dashboard?period=custom&from-day=${fromDay}&from-month=${fromMonth}&from-year=${fromYear}&to-day=${toDay}&to-month=${toMonth}&to-year=${toYear}`,
        );
      };
      const shown = await typed('1/4/2025', '31/Mar/2026');
      assert.equal(shown.statusCode, 200, 'the boxes, a month by name too');
      assert.match(shown.body, /1 April 2025 to 31 March 2026/);
      assert.match(shown.body, /period=custom&amp;from=2025-04-01&amp;to=2026-03-31/);
      const noMonth = await typed('1//2025', '31/3/2026');
      assert.equal(noMonth.statusCode, 400);
      assert.match(noMonth.body, /The start date must include a month/);
      assert.match(noMonth.body, /href="#from-month"/, 'the summary links to the empty box');
      assert.match(noMonth.body, /nhsuk-input--error[^"]*" id="from-month"/);
      assert.doesNotMatch(noMonth.body, /nhsuk-input--error[^"]*" id="from-day"/);
      const blank = await typed('//', '31/3/2026');
      assert.match(blank.body, /Enter the start date/);
      const reversed = await typed('1/4/2026', '31/3/2026');
      assert.equal(reversed.statusCode, 400);
      assert.match(reversed.body, /The end date must be on or after the start date/);
      assert.match(reversed.body, /href="#to-day"/);
      const shortYear = await typed('1/4/25', '31/3/2026');
      assert.match(shortYear.body, /The year of the start date must include 4 numbers/);
    });

    it('shows a team leader who is also the service’s commissioner the summary, not every team', async () => {
      await createTestAccount(web.database, 'leader-commissioner@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
        role('commissioner', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'service-manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      const both = web.browser();
      await both.signIn('leader-commissioner@nhs.net');
      const manager = web.browser();
      await manager.signIn('service-manager@nhs.net');
      const jobs = `/services/${orgs.serviceA}/dashboard?view=jobs`;
      const summary = (await both.get(jobs)).body;
      assert.match(summary, /Service summary/);
      assert.doesNotMatch(summary, /By team|value="team:/);
      const narrowed = await both.get(`${jobs}&within=team:${orgs.teamA2}&format=csv`);
      assert.doesNotMatch(narrowed.body, /Border team/);
      // The service's manager has the team-level detail.
      const detail = (await manager.get(jobs)).body;
      assert.match(detail, /By team/);
      assert.match(detail, /value="team:/);
      // The leader's own team keeps its own page.
      assert.equal((await both.get(`/teams/${orgs.teamA1}/dashboard`)).statusCode, 200);
      // Which teams have uploaded is for all; how many records each holds is team-level detail.
      const freshness = `/services/${orgs.serviceA}/dashboard?view=freshness&format=csv`;
      const uploaded = (await both.get(freshness)).body;
      assert.match(uploaded, /North team/);
      assert.doesNotMatch(uploaded, /Records/);
      assert.match((await manager.get(freshness)).body, /Latest upload,Records,Up to date/);
    });

    it('gives through the API what each caller may see: ES-level detail for the team leader only, "<5" at area level', async () => {
      await createTestAccount(web.database, 'api-manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'england@nhs.net', [role('national-lead')]);
      const tokenOf = async (email: string) => {
        const [account] = await web.database.query<{ id: number }>(
          'SELECT id FROM account WHERE email = $1',
          [email],
        );
        return createApiToken(web.database, account?.id ?? 0, 'reporting', new Date());
      };
      const call = async (email: string, query: string) =>
        JSON.parse(
          (
            await web.app.inject({
              url: `/api/v1/metrics?${query}`,
              headers: { authorization: `Bearer ${await tokenOf(email)}` },
            })
          ).body,
        );
      const year = `from=2025-04-01&to=2026-03-31&today=2026-06-01&team=${orgs.teamA1}`;
      const leaders = await call('leader@nhs.net', year);
      assert.ok(Object.keys(leaders.caseloadPerSpecialist).length > 0);
      const managers = await call('api-manager@nhs.net', year);
      assert.deepEqual(managers.caseloadPerSpecialist, {});
      assert.equal(managers.activeCaseload, leaders.activeCaseload);

      // A token is no way round the terms and conditions the pages ask to be accepted.
      await createTestAccount(
        web.database,
        'not-yet-accepted@nhs.net',
        [role('team-leader', { teamId: orgs.teamA1 })],
        { acceptTerms: false },
      );
      const refused = await web.app.inject({
        url: `/api/v1/metrics?${year}`,
        headers: { authorization: `Bearer ${await tokenOf('not-yet-accepted@nhs.net')}` },
      });
      assert.equal(refused.statusCode, 403);
      assert.match(JSON.parse(refused.body).error, /accept the terms and conditions/);

      const month = 'period=custom&from=2026-05-01&to=2026-05-31';
      const national = web.browser();
      await national.signIn('england@nhs.net');
      const page = headline((await national.get(`/areas/england/dashboard?${month}`)).body);
      const england = await call('england@nhs.net', 'from=2026-05-01&to=2026-05-31');
      const team = await call(
        'leader@nhs.net',
        `from=2026-05-01&to=2026-05-31&team=${orgs.teamA1}`,
      );
      let hidden = 0;
      for (const id of COUNTS) {
        const count: number = team[id];
        const small = count >= 1 && count <= 4;
        if (small) hidden++;
        assert.equal(england[id], small ? '<5' : count, id);
        assert.equal(page[id], small ? '&lt;5' : count.toLocaleString('en-GB'), id);
      }
      assert.ok(hidden > 0, 'the month has a count from 1 to 4 to hide');
    });

    it('shows counts of 1 to 4 as "<5" at area level, and exact counts to the team', async () => {
      await createTestAccount(web.database, 'national@nhs.net', [role('national-lead')]);
      const national = web.browser();
      await national.signIn('national@nhs.net');
      const month = '?period=custom&from=2026-05-01&to=2026-05-31';
      const area = headline((await national.get(`/areas/england/dashboard${month}`)).body);
      const team = headline((await leader.get(`/teams/${orgs.teamA1}/dashboard${month}`)).body);
      for (const id of COUNTS) {
        const count = Number(team[id]?.replace(/,/g, ''));
        assert.equal(area[id], count >= 1 && count <= 4 ? '&lt;5' : team[id], id);
      }
    });
  });
}
