import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../../test/support/test-databases.ts';
import { startTestWeb, type TestWeb } from '../../test/support/test-web.ts';
import { DEMO_ROLES, type DemoRole, demoEmail, seedDemo } from './demo-data.ts';

const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

describe('the demo', () => {
  let web: TestWeb;
  let folder: string;
  let demo: Awaited<ReturnType<typeof seedDemo>>;
  const ids = new Map<string, number>();

  before(async () => {
    web = await startTestWeb(pglite);
    folder = mkdtempSync(join(tmpdir(), 'ips-demo-test-'));
    demo = await seedDemo(web.database, {
      password: 'demo password for tests',
      today: '2026-06-01',
      pseudonymisationSecret: 'demo test secret',
      spreadsheetFolder: folder,
      withApiTokens: true,
    });
    for (const row of await web.database.query<{ id: number; name: string }>(
      'SELECT id, name FROM team UNION ALL SELECT id, name FROM service',
    )) {
      ids.set(row.name, row.id);
    }
  });
  after(async () => {
    await web.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('holds four teams with generated data and named specialists, and an empty practice team', async () => {
    assert.deepEqual(
      demo.teams.map((team) => team.name),
      ['Riverside North', 'Riverside South', 'Hillside East', 'Hillside West'],
    );
    for (const team of demo.teams) {
      assert.ok(team.records > 200, `${team.name} has ${team.records} records`);
      assert.match(readFileSync(team.file, 'utf8'), /^Client ID,/);
    }
    const specialists = await web.database.query<{ team: string; named: number }>(
      `SELECT t.name AS team, count(s.display_name)::int AS named FROM team t
         LEFT JOIN specialist s ON s.team_id = t.id GROUP BY t.name ORDER BY t.name`,
    );
    assert.deepEqual(specialists, [
      { team: 'Hillside East', named: 2 },
      { team: 'Hillside West', named: 3 },
      { team: 'Practice team', named: 0 },
      { team: 'Riverside North', named: 3 },
      { team: 'Riverside South', named: 3 },
    ]);
    assert.equal(demo.apiTokens.size, DEMO_ROLES.length);
    const saved = await web.database.query<{ team: string; records: number; uploads: number }>(
      `SELECT t.name AS team, (SELECT count(*)::int FROM referral r WHERE r.team_id = t.id) AS records,
              (SELECT count(*)::int FROM upload u WHERE u.team_id = t.id) AS uploads
         FROM team t ORDER BY t.name`,
    );
    assert.deepEqual(
      saved.map((row) => [
        row.team,
        row.records === (demo.teams.find((team) => team.name === row.team)?.records ?? 0),
        row.uploads,
      ]),
      [
        ['Hillside East', true, 1],
        ['Hillside West', true, 1],
        ['Practice team', true, 0],
        ['Riverside North', true, 1],
        ['Riverside South', true, 1],
      ],
    );
  });

  it('gives each team with data this year’s size and targets, and Riverside two fidelity reviews', async () => {
    const targets = await web.database.query<{ team: string; measures: number; wte: string }>(
      `SELECT t.name AS team, count(tt.*)::int AS measures,
              (SELECT specialists_wte::text FROM team_size s WHERE s.team_id = t.id AND s.financial_year = 2026) AS wte
         FROM team t LEFT JOIN team_target tt ON tt.team_id = t.id AND tt.financial_year = 2026
        GROUP BY t.id, t.name ORDER BY t.name`,
    );
    assert.deepEqual(
      targets.map(({ team, measures, wte }) => [team, measures, wte === null ? null : Number(wte)]),
      [
        ['Hillside East', 7, 2],
        ['Hillside West', 7, 2],
        ['Practice team', 0, null],
        ['Riverside North', 7, 2],
        ['Riverside South', 7, 2],
      ],
    );
    const reviews = await web.database.query<{
      service: string;
      reviewDate: string;
      total: number;
    }>(
      `SELECT s.name AS service, to_char(r.review_date, 'YYYY-MM-DD') AS "reviewDate", r.total
         FROM fidelity_review r JOIN service s ON s.id = r.service_id ORDER BY r.review_date`,
    );
    assert.deepEqual(reviews, [
      { service: 'Riverside IPS Service', reviewDate: '2024-12-01', total: 85 },
      { service: 'Riverside IPS Service', reviewDate: '2025-12-01', total: 107 },
    ]);
  });

  const ACCESS: Record<DemoRole, Record<string, number>> = {
    'team-leader': {
      'team Riverside North': 200,
      'team Practice team': 200,
      'team Riverside South': 403,
      'service Riverside IPS Service': 403,
      admin: 403,
    },
    'service-manager': {
      'team Riverside South': 200,
      'team Hillside East': 403,
      'service Riverside IPS Service': 200,
      agreement: 200,
    },
    commissioner: {
      'service Riverside IPS Service': 200,
      'team Riverside North': 403,
      'service Hillside IPS Service': 403,
    },
    'ics-lead': {
      ics: 200,
      'service Hillside IPS Service': 200,
      region: 403,
      'team Hillside East': 403,
    },
    'regional-lead': { region: 200, ics: 200, england: 403 },
    'national-lead': { england: 200, region: 200, admin: 403 },
    administrator: { admin: 200, 'team Riverside North': 403, england: 403 },
  };

  for (const demoRole of DEMO_ROLES) {
    it(`lets the ${demoRole} sign in and see only what the roles table allows`, async () => {
      const [ics] = await web.database.query<{ id: number; regionId: number }>(
        'SELECT DISTINCT i.id, i.region_id AS "regionId" FROM team t JOIN ics i ON i.id = t.ics_id',
      );
      const paths: Record<string, string> = {
        admin: '/admin',
        agreement: '/data-sharing-agreement',
        england: '/areas/england',
        region: `/areas/regions/${ics?.regionId}`,
        ics: `/areas/icss/${ics?.id}`,
      };
      const browser = web.browser();
      await browser.signIn(demoEmail(demoRole), 'demo password for tests');
      assert.match((await browser.get('/')).headers.location as string, /^\/terms\/accept/);
      await browser.get('/terms/accept');
      await browser.post('/terms/accept', { version: '1', accept: 'yes' });
      assert.equal((await browser.get('/')).statusCode, 200);
      for (const [what, expected] of Object.entries(ACCESS[demoRole])) {
        const [kind, ...name] = what.split(' ');
        const path =
          kind === 'team' || kind === 'service'
            ? `/${kind}s/${ids.get(name.join(' '))}`
            : (paths[what] ?? '');
        assert.equal((await browser.get(path)).statusCode, expected, `${demoRole}: ${what}`);
        // The same answer for the dashboard, its export, and the API.
        if (
          kind === 'team' ||
          kind === 'service' ||
          what === 'england' ||
          what === 'region' ||
          what === 'ics'
        ) {
          const dashboard = `${path}/dashboard`;
          assert.equal(
            (await browser.get(dashboard)).statusCode,
            expected,
            `${demoRole}: ${what} dashboard`,
          );
          assert.equal(
            (await browser.get(`${dashboard}?format=csv`)).statusCode,
            expected,
            `${demoRole}: ${what} CSV`,
          );
          const scopeQuery =
            kind === 'team' || kind === 'service'
              ? `&${kind}=${ids.get(name.join(' '))}`
              : what === 'england'
                ? ''
                : `&${what}=${what === 'ics' ? ics?.id : ics?.regionId}`;
          const api = await web.app.inject({
            url: `/api/v1/metrics?from=2025-04-01&to=2026-03-31${scopeQuery}`,
            headers: { authorization: `Bearer ${demo.apiTokens.get(demoRole)}` },
          });
          assert.equal(api.statusCode, expected, `${demoRole}: ${what} API`);
        }
      }
    });
  }
});
