import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../../synthetic/referral-rows.ts';

/** A spreadsheet whose every row names the same referral source. */
function spreadsheetWithSource(source: string, seed: number): Uint8Array {
  const generated = generateReferralRows({ rows: 10, seed, today: '2026-05-01' });
  const column = generated.headings.indexOf('Referral source');
  const rows = [...generated.rows].map((row) =>
    row.map((cell, index) => (index === column ? source : cell)),
  );
  return writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...rows] }]);
}

for (const testDatabase of testDatabases()) {
  describe(`a service's referral sources (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let manager: TestBrowser;
    let leader: TestBrowser;
    const page = () => `/services/${orgs.serviceA}/referral-sources`;
    const storedSources = async () =>
      web.database.query<{ source: string | null; category: string | null }>(
        `SELECT DISTINCT record->>'referralSource' AS source,
                record->>'referralSourceCategory' AS category
           FROM referral_record WHERE team_id = $1`,
        [orgs.teamA1],
      );
    const upload = async (bytes: Uint8Array) => {
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const checked = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: 'team.xlsx', bytes },
      ]);
      // Waited for as a browser waits: a loaded machine checks and saves more slowly.
      const check = await leader.whenUploadFinished(checked.headers.location as string);
      await leader.post(checked.headers.location as string);
      const saved = await leader.whenUploadFinished(checked.headers.location as string);
      assert.match(saved.headers.location as string, /\/upload\/done\/\d+$/);
      return check.body;
    };

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      manager = web.browser();
      await manager.signIn('manager@nhs.net');
      leader = web.browser();
      await leader.signIn('leader@nhs.net');
    });
    after(() => web.close());

    it('an edit by the service manager changes how the next upload is read', async () => {
      const before = await upload(spreadsheetWithSource('Leeds CMHT', 1));
      assert.match(before, /not one of the service&#39;s referral sources/);
      assert.deepEqual(await storedSources(), [
        { source: "Not on the service's list", category: "Not on the service's list" },
      ]);

      const shown = await manager.get(page());
      assert.equal(shown.statusCode, 200);
      assert.match(shown.body, /Referral source 1/);
      const saved = await manager.post(page(), {
        name0: '  Leeds   CMHT ',
        category0: 'Community mental health team',
        name1: '',
        category1: '',
      });
      assert.equal(saved.statusCode, 302);
      assert.equal(saved.headers.location, `${page()}?saved=1`);
      assert.match((await manager.get(`${page()}?saved=1`)).body, /value="Leeds CMHT"/);

      const after = await upload(spreadsheetWithSource('leeds cmht', 1));
      assert.doesNotMatch(after, /not one of the service&#39;s referral sources/);
      assert.deepEqual(await storedSources(), [
        { source: 'Leeds CMHT', category: 'Community mental health team' },
      ]);
      const [audit] = await web.database.query<{ actor: string }>(
        `SELECT account.email AS actor FROM audit_event
           JOIN account ON account.id = audit_event.actor_account_id
          WHERE action = 'set referral sources'`,
      );
      assert.equal(audit?.actor, 'manager@nhs.net', 'the change is in the audit log, by its maker');
    });

    it('refuses a list with a problem, saying which row and why, and keeps the list as it was', async () => {
      const refused = await manager.post(page(), {
        name0: 'Leeds CMHT',
        category0: 'Community mental health team',
        name1: 'LEEDS CMHT',
        category1: 'Community mental health team',
        name2: 'Police',
        category2: 'Not a category',
      });
      assert.equal(refused.statusCode, 400);
      assert.match(refused.body, /There is a problem/);
      assert.match(
        refused.body,
        /href="#name1">\s*Referral source 2: This referral source is already listed/,
      );
      assert.match(
        refused.body,
        /href="#category2">\s*Referral source 3: Choose the national category/,
      );
      assert.match(refused.body, /value="Police"/, 'what was entered is shown again');
      const list = await web.database.query<{ name: string }>(
        'SELECT name FROM service_referral_source WHERE service_id = $1',
        [orgs.serviceA],
      );
      assert.deepEqual(list, [{ name: 'Leeds CMHT' }]);
    });

    it('answers a body that is not the form with the page and a message, changing nothing', async () => {
      for (const payload of ['[]', '"x"', '42']) {
        await manager.get(page());
        const refused = await manager.postBody(page(), {
          contentType: 'application/json',
          payload: Buffer.from(payload),
        });
        assert.equal(refused.statusCode, 400, payload);
        assert.match(refused.headers['content-type'] as string, /^text\/html/, payload);
        assert.match(
          refused.body,
          /href="#name0">\s*The referral sources could not be read: save them from this page/,
          payload,
        );
        assert.match(refused.body, /value="Leeds CMHT"/, 'the saved list is shown');
      }
      const list = await web.database.query<{ name: string }>(
        'SELECT name FROM service_referral_source WHERE service_id = $1',
        [orgs.serviceA],
      );
      assert.deepEqual(list, [{ name: 'Leeds CMHT' }]);
    });

    it("the service's template lists its sources on the cover; the public one does not", async () => {
      for (const [browser, path] of [
        [leader, `/teams/${orgs.teamA1}/template.xlsx`],
        [manager, `/services/${orgs.serviceA}/template.xlsx`],
      ] as const) {
        const response = await browser.get(path);
        assert.equal(response.statusCode, 200, path);
        const cover = strFromU8(
          unzipSync(response.rawPayload)['xl/worksheets/sheet1.xml'] ?? new Uint8Array(),
        );
        assert.match(cover, /Leeds CMHT/, path);
        assert.match(cover, /Community mental health team/, path);
      }
      const generic = await leader.get('/help/template.xlsx');
      assert.doesNotMatch(
        strFromU8(unzipSync(generic.rawPayload)['xl/worksheets/sheet1.xml'] ?? new Uint8Array()),
        /Leeds CMHT/,
      );
    });
  });
}
