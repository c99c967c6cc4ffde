import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runIpsReport } from '../../../test/support/cli-harness.ts';
import { linkedCounts, tableRows } from '../../../test/support/html-tables.ts';
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

// The test clock is 1 June 2026: 1 April to 1 June is 62 days of the 365 in 2026/27.
const DAYS_SO_FAR = 62;
const TARGETS_VIEW = 'view=targets&period=this-financial-year';

/** The progress table's row for a measure: target, actual, expected, status as shown. */
function progressRow(body: string, name: string): string[] {
  const [, ...cells] =
    tableRows(body, /: totals vs targets, /).find(([measure]) => measure === name) ?? [];
  return cells;
}

for (const testDatabase of testDatabases()) {
  describe(`targets (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let leader: TestBrowser;
    let manager: TestBrowser;
    let yearToDate: Record<string, number>;
    let folder: string;
    const tokens: Record<string, string> = {};

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      const leaderId = await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      const managerId = await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      tokens.leader = await createApiToken(web.database, leaderId, 'test', new Date());
      tokens.manager = await createApiToken(web.database, managerId, 'test', new Date());
      leader = web.browser();
      await leader.signIn('leader@nhs.net');
      manager = web.browser();
      await manager.signIn('manager@nhs.net');
      const bytes = await uploadGeneratedSpreadsheet(leader, orgs.teamA1, {
        rows: 300,
        seed: 5,
        today: '2026-05-31',
      });
      folder = mkdtempSync(join(tmpdir(), 'ips-targets-'));
      writeFileSync(join(folder, 'team.xlsx'), bytes);
      const cli = runIpsReport(
        [
          'metrics',
          join(folder, 'team.xlsx'),
          '--from',
          '2026-04-01',
          '--to',
          '2027-03-31',
          '--json',
        ],
        '2026-06-01',
      );
      assert.equal(cli.exitCode, 0, cli.stderr);
      yearToDate = JSON.parse(cli.stdout);
    });
    after(async () => {
      await web.close();
      rmSync(folder, { recursive: true, force: true });
    });

    it('a team leader sets the team size and targets; the history keeps who changed what', async () => {
      const page = await leader.get(`/teams/${orgs.teamA1}/targets`);
      assert.equal(page.statusCode, 200);
      assert.match(page.body, /Targets for 2026\/27/);
      assert.match(page.body, /Suggestions from the IPS Grow KPI framework/);
      const saved = await leader.post(`/teams/${orgs.teamA1}/targets`, {
        year: '2026',
        specialistsWte: '2.5',
        referrals: '200',
        jobStarts: '55',
      });
      assert.equal(saved.statusCode, 302);
      const after = await leader.get(saved.headers.location as string);
      assert.match(after.body, /Targets for 2026\/27 saved/);
      assert.match(after.body, /name="referrals"[^>]*value="200"/);
      // 2.5 WTE: 88 people and 43 job starts in a first year; 113 and 55 later.
      assert.match(after.body, /so 88 people and 43 job starts/);
      assert.match(after.body, /so 113 people and 55 job starts/);
      const history = await web.database.query<{ measure: string; newValue: string }>(
        `SELECT measure, new_value::text AS "newValue" FROM target_change
          WHERE scope_type = 'team' AND scope_id = $1 ORDER BY measure`,
        [orgs.teamA1],
      );
      assert.deepEqual(
        history.map(({ measure, newValue }) => [measure, Number(newValue)]),
        [
          ['jobStarts', 55],
          ['referrals', 200],
          ['specialistsWte', 2.5],
        ],
      );
      assert.match(after.body, /leader@nhs\.net/);
      const audit = await web.database.query(
        "SELECT 1 FROM audit_event WHERE action = 'target set'",
      );
      assert.equal(audit.length, 2);
    });

    it('refuses a target that is not a whole number, naming the box, and saves nothing', async () => {
      await leader.get(`/teams/${orgs.teamA1}/targets`);
      const refused = await leader.post(`/teams/${orgs.teamA1}/targets`, {
        year: '2026',
        specialistsWte: '2.5',
        referrals: 'lots',
        jobStarts: '56',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /There is a problem/);
      assert.match(refused.body, /<a href="#referrals">\s*Enter the target as a whole number/);
      const [jobs] = await web.database.query<{ target: number }>(
        "SELECT target FROM team_target WHERE measure = 'jobStarts'",
      );
      assert.equal(jobs?.target, 55);
    });

    it('the totals vs targets view shows actual, expected to date and status by the METRICS.md rule', async () => {
      const page = await leader.get(`/teams/${orgs.teamA1}/dashboard?${TARGETS_VIEW}`);
      assert.equal(page.statusCode, 200);
      const referrals = progressRow(page.body, 'Referrals');
      const expected = Math.round(((200 * DAYS_SO_FAR) / 365) * 10) / 10;
      const actual = yearToDate.referrals ?? 0;
      const status =
        actual >= (200 * DAYS_SO_FAR) / 365
          ? 'On track'
          : actual >= (0.9 * 200 * DAYS_SO_FAR) / 365
            ? 'Behind'
            : 'Off track';
      assert.deepEqual(referrals, ['200', String(actual), String(expected), status]);
      // The actual opens its records: every client's, 1 April to the as-at date.
      // The progress table comes first: its referrals cell is the first to link to referrals.
      const href = linkedCounts(page.body).find(({ metric }) => metric === 'referrals')?.href;
      assert.ok(href, 'the actual links to its records');
      const link = new URL(href.replace(/&amp;/g, '&'), 'http://x').searchParams;
      assert.equal(link.get('employmentStatus'), 'all');
      assert.equal(link.get('from'), '2026-04-01');
      assert.equal(link.get('to'), '2026-06-01');
      const records = await leader.get(href.replace(/&amp;/g, '&'));
      assert.match(records.body, new RegExp(`<p>\\s*${actual} records?\\b`));
      assert.deepEqual(progressRow(page.body, 'Vocational profile starts'), [
        'No target',
        String(yearToDate.vpStarts),
        '',
        '',
      ]);
      assert.match(page.body, /Referrals: cumulative by month/);
      assert.match(
        page.body,
        /<svg[^>]*data-chart-title="North team: Referrals: actual and expected/,
      );
    });

    it('a service target is the sum of its teams’ unless the service manager sets one', async () => {
      await leader.get(`/teams/${orgs.teamA1}/targets`);
      await leader.post(`/teams/${orgs.teamA1}/targets`, {
        year: '2026',
        specialistsWte: '2.5',
        referrals: '200',
        jobStarts: '55',
      });
      const summed = await manager.get(`/services/${orgs.serviceA}/dashboard?${TARGETS_VIEW}`);
      assert.equal(progressRow(summed.body, 'Referrals')[0], '200');
      await manager.get(`/services/${orgs.serviceA}/targets`);
      const saved = await manager.post(`/services/${orgs.serviceA}/targets`, {
        year: '2026',
        referrals: '500',
      });
      assert.equal(saved.statusCode, 302);
      const own = await manager.get(`/services/${orgs.serviceA}/dashboard?${TARGETS_VIEW}`);
      assert.equal(progressRow(own.body, 'Referrals')[0], '500');
      assert.equal(progressRow(own.body, 'Job starts')[0], '55', 'the teams’ sum where none set');
      const team = await leader.get(`/teams/${orgs.teamA1}/dashboard?${TARGETS_VIEW}`);
      assert.equal(progressRow(team.body, 'Referrals')[0], '200', 'a team keeps its own');
      assert.equal((await leader.get(`/services/${orgs.serviceA}/targets`)).statusCode, 403);
      assert.equal((await manager.get(`/teams/${orgs.teamA1}/targets`)).statusCode, 403);
    });

    it('GET /api/v1/targets gives each measure’s target, actual, expected and status', async () => {
      const response = await web.app.inject({
        url: `/api/v1/targets?team=${orgs.teamA1}&year=2026&today=2026-06-01`,
        headers: { authorization: `Bearer ${tokens.leader}` },
      });
      assert.equal(response.statusCode, 200);
      const measures = JSON.parse(response.body);
      assert.deepEqual(
        measures.map((each: { measure: string }) => each.measure),
        [
          'referrals',
          'vpStarts',
          'jobStarts',
          'supportedIntoWork',
          'firstJobStarts',
          'sustained13',
          'sustained26',
        ],
      );
      const jobs = measures[2];
      assert.equal(jobs.target, 55);
      assert.equal(jobs.actual, yearToDate.jobStarts);
      assert.equal(jobs.expectedToDate, (55 * DAYS_SO_FAR) / 365);
      assert.ok(['on-track', 'behind', 'off-track'].includes(jobs.status));
      assert.deepEqual(measures[1], {
        measure: 'vpStarts',
        target: null,
        actual: yearToDate.vpStarts,
        expectedToDate: null,
        status: null,
      });
      // A year without targets: every measure without one.
      const past = await web.app.inject({
        url: `/api/v1/targets?team=${orgs.teamA1}&year=2025`,
        headers: { authorization: `Bearer ${tokens.leader}` },
      });
      assert.equal(JSON.parse(past.body)[0].target, null);
    });

    it('PUT /api/v1/targets: team leaders of that team only; bad input changes nothing', async () => {
      const put = (token: string | undefined, body: unknown) =>
        web.app.inject({
          method: 'PUT',
          url: '/api/v1/targets',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          payload: JSON.stringify(body),
        });
      const set = await put(tokens.leader, {
        team: orgs.teamA1,
        year: 2026,
        measure: 'vpStarts',
        target: 120,
      });
      assert.equal(set.statusCode, 200);
      const [stored] = await web.database.query<{ target: number }>(
        "SELECT target FROM team_target WHERE team_id = $1 AND measure = 'vpStarts'",
        [orgs.teamA1],
      );
      assert.equal(stored?.target, 120);
      const byManager = await put(tokens.manager, {
        team: orgs.teamA1,
        year: 2026,
        measure: 'vpStarts',
        target: 1,
      });
      assert.equal(byManager.statusCode, 403);
      const otherTeam = await put(tokens.leader, {
        team: orgs.teamB1,
        year: 2026,
        measure: 'vpStarts',
        target: 1,
      });
      assert.equal(otherTeam.statusCode, 403);
      const invalid = await put(tokens.leader, {
        team: orgs.teamA1,
        year: 2026,
        measure: 'happiness',
        target: -1,
      });
      assert.equal(invalid.statusCode, 400);
      assert.deepEqual(JSON.parse(invalid.body).problems, [
        'measure must be one of referrals, vpStarts, jobStarts, supportedIntoWork, firstJobStarts, sustained13, sustained26',
        'target must not be negative',
      ]);
      const tooLarge = await put(tokens.leader, {
        team: orgs.teamA1,
        year: 2026,
        measure: 'vpStarts',
        target: 1_000_000,
      });
      assert.equal(tooLarge.statusCode, 400);
      assert.deepEqual(JSON.parse(tooLarge.body).problems, ['target must be at most 999999']);
      const [unchanged] = await web.database.query<{ target: number }>(
        "SELECT target FROM team_target WHERE team_id = $1 AND measure = 'vpStarts'",
        [orgs.teamA1],
      );
      assert.equal(unchanged?.target, 120);
      const otherRead = await web.app.inject({
        url: `/api/v1/targets?team=${orgs.teamB1}&year=2026`,
        headers: { authorization: `Bearer ${tokens.leader}` },
      });
      assert.equal(otherRead.statusCode, 403);
    });
  });
}
