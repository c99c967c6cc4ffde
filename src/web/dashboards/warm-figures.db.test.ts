import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
import { DASHBOARD_VIEWS } from '../../dashboards/scope-figures.ts';
import { type FigureWarming, keepFiguresWarm } from '../../dashboards/warm-figures.ts';

/** Every view an area dashboard offers, over both warmed periods. */
const AREA_PAGES = DASHBOARD_VIEWS.filter((view) => view !== 'benchmarking').flatMap((view) =>
  ['this-financial-year', 'last-financial-year'].map(
    (period) => `?view=${view}&period=${period}&employmentStatus=all`,
  ),
);

for (const testDatabase of testDatabases()) {
  describe(`figures warmed in the background (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let national: TestBrowser;
    let warming: FigureWarming;
    const teamsRead = () => web.services.teamTallies.teamsRead;

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'national@nhs.net', [role('national-lead')]);
      for (const [teamId, seed] of [
        [orgs.teamA1, 3],
        [orgs.teamA2, 4],
      ] as const) {
        await createTestAccount(web.database, `leader${teamId}@nhs.net`, [
          role('team-leader', { teamId }),
        ]);
        const leader = web.browser();
        await leader.signIn(`leader${teamId}@nhs.net`);
        await uploadGeneratedSpreadsheet(leader, teamId, { rows: 120, seed, today: '2026-05-31' });
      }
      national = web.browser();
      await national.signIn('national@nhs.net');
    });
    after(async () => {
      warming?.stop();
      await web.close();
    });

    it('reads every team once, then answers every area view of both years from memory', async () => {
      const before = teamsRead();
      warming = keepFiguresWarm(web.services);
      await warming.check();
      const teams = (await web.database.query('SELECT id FROM team')).length;
      assert.equal(teamsRead() - before, teams);
      assert.ok(web.logLines.some((line) => line.includes('"event":"figures-warmed"')));

      const warmed = teamsRead();
      for (const dashboard of [
        '/areas/england/dashboard',
        `/areas/regions/${orgs.regionA}/dashboard`,
      ]) {
        for (const page of AREA_PAGES) {
          const response = await national.get(`${dashboard}${page}`);
          assert.equal(response.statusCode, 200, `${dashboard}${page}`);
        }
      }
      assert.equal(teamsRead(), warmed, 'no team read for a warmed view');

      // A filter the warm-up leaves alone is read when asked: the counter counts.
      await national.get('/areas/england/dashboard?employmentStatus=in-work');
      assert.ok(teamsRead() > warmed);
    });

    it("warms again only when the London date changes, in place of the day before's tallies", async () => {
      const sameDay = teamsRead();
      await warming.check();
      assert.equal(teamsRead(), sameDay);
      const keptBefore = web.services.teamTallies.size;

      web.advanceMinutes(24 * 60);
      await warming.check();
      const teams = (await web.database.query('SELECT id FROM team')).length;
      assert.equal(teamsRead() - sameDay, teams);
      // The in-work view asked yesterday is gone with the rest of yesterday's tallies.
      assert.ok(web.services.teamTallies.size < keptBefore);
      const nextDay = teamsRead();
      // A day idle ends the session.
      await national.signIn('national@nhs.net');
      const page = await national.get('/areas/england/dashboard');
      assert.equal(page.statusCode, 200);
      assert.equal(teamsRead(), nextDay);
    });
  });
}
