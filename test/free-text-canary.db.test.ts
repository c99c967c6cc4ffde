import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createApiToken } from '../src/accounts/api-tokens.ts';
import { applyMigrations } from '../src/database/migrations.ts';
import { readMigrations } from '../src/database/open-database.ts';
import { saveServiceReferralSources } from '../src/organisations/service-referral-sources.ts';
import {
  NATIONAL_REFERRAL_SOURCE_CATEGORIES,
  NOT_ON_SERVICE_LIST,
} from '../src/spreadsheet/referral-sources.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import {
  generateReferralRows,
  SYNTHETIC_REFERRAL_SOURCES,
} from '../src/synthetic/referral-rows.ts';
import { tableRows } from './support/html-tables.ts';
import { testDatabases } from './support/test-databases.ts';
import { referral } from './support/test-referrals.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from './support/test-web.ts';

/**
 * Issue 20, finding 2: "Referral source" and "Local authority of residence" were stored as typed
 * and shown up to England, so a client's name and date of birth typed into either was published
 * nationally. Typed into both, it must reach no table, page, export or API answer; areas see only
 * the national referral source categories, and no local authority.
 */

const CANARY = 'Jane Doe DOB 01/02/1980';
const leaks = (text: string) => /Jane Doe|01\/02\/1980|1980-02-01/i.test(text);

/** The row labels of the dashboard's table headed `heading`, or null when it has none. */
/** The row names of the table captioned `heading`; null when the page has no such table. */
function rowsUnder(body: string, heading: string): string[] | null {
  const rows = tableRows(body, new RegExp(heading, 'i'));
  return rows.length === 0 ? null : rows.map(([name = '']) => name.replace(/&#39;/g, "'"));
}

for (const testDatabase of testDatabases()) {
  describe(`free text typed as referral source or local authority (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let leader: TestBrowser;
    let manager: TestBrowser;
    let nationalLead: TestBrowser;
    let checkPage = '';

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      const managerId = await createTestAccount(web.database, 'manager@nhs.net', [
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      await createTestAccount(web.database, 'lead@nhs.net', [role('national-lead')]);
      await saveServiceReferralSources(web.services, {
        serviceId: orgs.serviceA,
        accountId: managerId,
        sources: SYNTHETIC_REFERRAL_SOURCES,
      });
      leader = web.browser();
      await leader.signIn('leader@nhs.net');
      manager = web.browser();
      await manager.signIn('manager@nhs.net');
      nationalLead = web.browser();
      await nationalLead.signIn('lead@nhs.net');

      const generated = generateReferralRows({
        rows: 40,
        seed: 20,
        today: '2026-05-01',
        specialists: ['AB'],
      });
      const rows = [...generated.rows].map((row) => [...row]);
      const source = generated.headings.indexOf('Referral source');
      const authority = generated.headings.indexOf('Local authority of residence');
      for (const row of rows.slice(0, 5)) {
        row[source] = CANARY;
        row[authority] = CANARY;
      }
      const bytes = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...rows] }]);
      await leader.get(`/teams/${orgs.teamA1}/upload`);
      const checked = await leader.postFiles(`/teams/${orgs.teamA1}/upload`, [
        { name: 'team.xlsx', bytes },
      ]);
      // Waited for as a browser waits: a loaded machine checks and saves more slowly.
      checkPage = (await leader.whenUploadFinished(checked.headers.location as string)).body;
      const confirmed = await leader.post(checked.headers.location as string);
      const saved = await leader.whenUploadFinished(confirmed.headers.location as string);
      assert.match(saved.headers.location as string, /\/upload\/done\/\d+$/, 'the upload is saved');
    });
    after(() => web.close());

    it('the check page warns of both, without the text typed', () => {
      assert.ok(!leaks(checkPage), 'the check page echoes the typed text');
      assert.match(checkPage, /not one of the service&#39;s referral sources/);
      assert.match(checkPage, /not the name or code of an English local authority district/);
    });

    it('no table of the database holds it', async () => {
      const tables = await web.database.query<{ name: string }>(
        `SELECT table_name AS name FROM information_schema.tables
          WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
      );
      assert.ok(tables.some(({ name }) => name === 'referral'));
      for (const { name } of tables) {
        const [dump] = await web.database.query<{ text: string | null }>(
          `SELECT string_agg(row_to_json(t)::text, ' ') AS text FROM "${name}" t`,
        );
        assert.ok(!leaks(dump?.text ?? ''), `table ${name} holds the typed text`);
      }
      const stored = await web.database.query<{ source: string; authority: string | null }>(
        `SELECT record->>'referralSource' AS source, record->>'localAuthority' AS authority
           FROM referral_record`,
      );
      assert.ok(stored.some(({ source }) => source === NOT_ON_SERVICE_LIST));
      for (const { authority } of stored) {
        assert.ok(authority === null || /^E0[6-9]\d{6}$/.test(authority), String(authority));
      }
    });

    const views = ['referrals', 'demographics'];
    const pages = () => [
      { browser: leader, path: `/teams/${orgs.teamA1}/dashboard`, area: false },
      { browser: manager, path: `/services/${orgs.serviceA}/dashboard`, area: false },
      { browser: nationalLead, path: `/areas/icss/${orgs.icsA}/dashboard`, area: true },
      { browser: nationalLead, path: `/areas/regions/${orgs.regionA}/dashboard`, area: true },
      { browser: nationalLead, path: '/areas/england/dashboard', area: true },
    ];

    it('no dashboard at any level shows it, nor any export of one', async () => {
      for (const { browser, path } of pages()) {
        for (const view of views) {
          for (const format of ['', '&format=csv']) {
            const response = await browser.get(`${path}?view=${view}${format}`);
            assert.equal(response.statusCode, 200, `${path} ${view}${format}`);
            assert.ok(!leaks(response.body), `${path} ${view}${format} shows the typed text`);
          }
        }
      }
    });

    it('teams and services see their own sources and districts; areas the national categories only', async () => {
      const allowed = new Set<string>([
        ...NATIONAL_REFERRAL_SOURCE_CATEGORIES,
        NOT_ON_SERVICE_LIST,
        'Not recorded',
      ]);
      for (const { browser, path, area } of pages()) {
        const referrals = (await browser.get(`${path}?view=referrals`)).body;
        const demographics = (await browser.get(`${path}?view=demographics`)).body;
        const categories = rowsUnder(referrals, 'By national referral source category');
        assert.ok(categories && categories.length > 0, `${path} has the national categories`);
        for (const name of categories) assert.ok(allowed.has(name), `${path}: ${name}`);
        const own = rowsUnder(referrals, 'By referral source');
        const districts = rowsUnder(demographics, 'By local authority of residence');
        if (area) {
          assert.equal(own, null, `${path} shows a service's own referral sources`);
          assert.equal(districts, null, `${path} shows local authorities`);
          assert.doesNotMatch(referrals + demographics, /CMHT|Talking therapies/);
        } else {
          assert.ok(own?.includes('CMHT') && own.includes(NOT_ON_SERVICE_LIST), path);
          assert.ok(districts?.includes('Leeds'), `${path} names the district`);
        }
      }
    });

    it('the records and their extract show the district and the listed source only', async () => {
      const dashboard = (
        await leader.get(
          `/teams/${orgs.teamA1}/dashboard?view=referrals&period=custom&from=2024-04-01&to=2026-05-31`,
        )
      ).body;
      const link = /href="(\/teams\/\d+\/records\?[^"]+)"/.exec(dashboard)?.[1];
      assert.ok(link, 'a figure links to its records');
      const records = link.replace(/&amp;/g, '&');
      for (const path of [records, `${records}&format=csv`]) {
        const response = await leader.get(path);
        assert.equal(response.statusCode, 200, path);
        assert.ok(!leaks(response.body), `${path} shows the typed text`);
      }
      assert.match((await leader.get(`${records}&format=csv`)).body, /Leeds,E08000035/);
    });

    it('the API answers without it, for the team and for England', async () => {
      const [lead] = await web.database.query<{ id: number }>(
        "SELECT id FROM account WHERE email = 'lead@nhs.net'",
      );
      const [teamLeader] = await web.database.query<{ id: number }>(
        "SELECT id FROM account WHERE email = 'leader@nhs.net'",
      );
      for (const [accountId, scope] of [
        [lead?.id ?? 0, ''],
        [teamLeader?.id ?? 0, `&team=${orgs.teamA1}`],
      ] as const) {
        const token = await createApiToken(web.database, accountId, 'canary', new Date());
        const response = await web.app.inject({
          method: 'GET',
          url: `/api/v1/metrics?from=2024-04-01&to=2026-03-31${scope}`,
          headers: { authorization: `Bearer ${token}` },
        });
        assert.equal(response.statusCode, 200, response.body);
        assert.ok(!leaks(response.body), `the API${scope} shows the typed text`);
      }
    });
  });
}

for (const testDatabase of testDatabases()) {
  describe(`records stored before the fix (${testDatabase.driver})`, () => {
    it('keep no referral source or local authority as typed, nor any pending check', async () => {
      const database = await testDatabase.open();
      try {
        const migrations = readMigrations();
        await applyMigrations(
          database,
          migrations.filter(({ version }) => version < '0013'),
        );
        const orgs = await seedOrganisations(database);
        const [{ id: uploadId } = { id: 0 }] = await database.query<{ id: number }>(
          `INSERT INTO upload (team_id, kind, uploaded_at) VALUES ($1, 'upload', now()) RETURNING id`,
          [orgs.teamA1],
        );
        const typed = referral({ referralSource: CANARY, localAuthority: CANARY });
        const blank = referral({ clientKey: 'other', referralSource: null, localAuthority: null });
        for (const record of [typed, blank]) {
          await database.query(
            `INSERT INTO referral (team_id, client_key, referral_date, specialist, record, upload_id)
             VALUES ($1, $2, $3, 'AB', $4, $5)`,
            [orgs.teamA1, record.clientKey, record.referralDate, JSON.stringify(record), uploadId],
          );
          await database.query(
            `INSERT INTO referral_version (upload_id, client_key, referral_date, record)
             VALUES ($1, $2, $3, $4)`,
            [uploadId, record.clientKey, record.referralDate, JSON.stringify(record)],
          );
        }
        await applyMigrations(database, migrations);
        for (const table of ['referral_record', 'referral_version']) {
          const rows = await database.query<{ key: string; record: Record<string, unknown> }>(
            `SELECT client_key AS key, record FROM ${table} ORDER BY client_key`,
          );
          assert.ok(!leaks(JSON.stringify(rows)), `${table} keeps the typed text`);
          const byKey = new Map(rows.map(({ key, record }) => [key, record]));
          assert.equal(byKey.get('client-key')?.referralSource, NOT_ON_SERVICE_LIST, table);
          assert.equal(byKey.get('client-key')?.referralSourceCategory, NOT_ON_SERVICE_LIST);
          assert.equal(byKey.get('client-key')?.localAuthority, null, table);
          assert.equal(byKey.get('other')?.referralSource, null, table);
          assert.equal(byKey.get('other')?.referralSourceCategory, null, table);
        }
      } finally {
        await database.close();
      }
    });
  });
}
