import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../test/support/test-web.ts';
import { createApiToken } from '../accounts/api-tokens.ts';
import { ensureSpecialists } from '../organisations/organisations.ts';
import { ROLES, type Role } from '../permissions/permissions.ts';

/**
 * Every role × every route group, over HTTP: the docs/DESIGN.md table enforced by the server, not by
 * hidden links. Each role holds its own scope around the "A" organisations.
 */
type Group =
  | 'home'
  | 'account'
  | 'help'
  | 'own team'
  | 'other team'
  | 'name specialists'
  | 'own service'
  | 'other service'
  | 'national view'
  | 'regional view'
  | 'ICS view'
  | 'other ICS view'
  | 'team dashboard'
  | 'service dashboard'
  | 'regional dashboard'
  | 'upload'
  | 'data sharing agreement'
  | 'administration'
  | 'team targets'
  | 'service targets'
  | 'fidelity history'
  | 'record fidelity review'
  | 'regional fidelity'
  | 'service returns'
  | 'unsubmitted return'
  | 'regional returns'
  | 'set return deadline'
  | 'help for people signed in'
  | 'report a problem'
  | 'help resources admin'
  | 'API'
  | 'returns API'
  | 'targets API'
  | 'set targets API';

const ALLOWED: Record<Group, readonly Role[]> = {
  home: ROLES,
  account: ROLES,
  help: ROLES,
  'own team': ['team-leader', 'service-manager'],
  'other team': [],
  'name specialists': ['team-leader'],
  'own service': ['service-manager', 'commissioner', 'ics-lead', 'regional-lead', 'national-lead'],
  'other service': ['national-lead'],
  'national view': ['national-lead'],
  'regional view': ['regional-lead', 'national-lead'],
  'ICS view': ['ics-lead', 'regional-lead', 'national-lead'],
  'other ICS view': ['national-lead'],
  'team dashboard': ['team-leader', 'service-manager'],
  'service dashboard': [
    'service-manager',
    'commissioner',
    'ics-lead',
    'regional-lead',
    'national-lead',
  ],
  'regional dashboard': ['regional-lead', 'national-lead'],
  upload: ['team-leader'],
  'data sharing agreement': ['service-manager'],
  administration: ['administrator'],
  'team targets': ['team-leader'],
  'service targets': ['service-manager'],
  'fidelity history': [
    'service-manager',
    'commissioner',
    'ics-lead',
    'regional-lead',
    'national-lead',
  ],
  'record fidelity review': ['service-manager'],
  'regional fidelity': ['regional-lead', 'national-lead'],
  'service returns': ['service-manager'],
  'unsubmitted return': ['service-manager'],
  'regional returns': ['regional-lead', 'national-lead'],
  'set return deadline': ['national-lead'],
  'help for people signed in': ROLES,
  'report a problem': ROLES,
  'help resources admin': ['administrator'],
  API: ROLES,
  'returns API': ROLES,
  'targets API': ['team-leader', 'service-manager'],
  'set targets API': ['team-leader'],
};

for (const testDatabase of testDatabases()) {
  describe(`permission matrix over HTTP (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let specialistId: number;
    const tokens = new Map<Role, string>();
    // One sign-in per role: the sign-in rate limit would refuse one per request.
    const browsers = new Map<Role, TestBrowser>();

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await ensureSpecialists(web.database, orgs.teamA1, ['AB']);
      const [specialist] = await web.database.query<{ id: number }>('SELECT id FROM specialist');
      specialistId = specialist?.id ?? 0;
      const scopes: Record<Role, ReturnType<typeof role>> = {
        'team-leader': role('team-leader', { teamId: orgs.teamA1 }),
        'service-manager': role('service-manager', {
          serviceId: orgs.serviceA,
          dataGovernanceLead: 'yes',
        }),
        commissioner: role('commissioner', { serviceId: orgs.serviceA }),
        'ics-lead': role('ics-lead', { icsId: orgs.icsA }),
        'regional-lead': role('regional-lead', { regionId: orgs.regionA }),
        'national-lead': role('national-lead'),
        administrator: role('administrator'),
      };
      for (const each of ROLES) {
        const accountId = await createTestAccount(web.database, `${each}@nhs.net`, [scopes[each]]);
        tokens.set(each, await createApiToken(web.database, accountId, 'test', new Date()));
      }
    });
    after(() => web.close());

    async function statusFor(each: Role, group: Group): Promise<number> {
      const authorization = `Bearer ${tokens.get(each)}`;
      switch (group) {
        case 'API':
          return (await web.app.inject({ url: '/api/v1/me', headers: { authorization } }))
            .statusCode;
        case 'returns API':
          return (
            await web.app.inject({
              url: '/api/v1/returns?quarter=2026Q1',
              headers: { authorization },
            })
          ).statusCode;
        case 'targets API':
          return (
            await web.app.inject({
              url: `/api/v1/targets?team=${orgs.teamA1}&year=2026`,
              headers: { authorization },
            })
          ).statusCode;
        case 'set targets API':
          return (
            await web.app.inject({
              method: 'PUT',
              url: '/api/v1/targets',
              headers: { authorization, 'content-type': 'application/json' },
              payload: { team: orgs.teamA1, year: 2026, measure: 'referrals', target: 10 },
            })
          ).statusCode;
      }
      let browser = browsers.get(each);
      if (browser === undefined) {
        browser = web.browser();
        await browser.signIn(`${each}@nhs.net`);
        browsers.set(each, browser);
      }
      const get = async (url: string) => (await browser.get(url)).statusCode;
      switch (group) {
        case 'home':
          return get('/');
        case 'account':
          return get('/account');
        case 'help':
          return get('/help');
        case 'own team':
          return get(`/teams/${orgs.teamA1}`);
        case 'other team':
          return get(`/teams/${orgs.teamB1}`);
        case 'name specialists':
          await browser.get('/account');
          return (
            await browser.post(`/teams/${orgs.teamA1}/specialists/${specialistId}`, {
              displayName: 'Alex',
            })
          ).statusCode;
        case 'own service':
          return get(`/services/${orgs.serviceA}`);
        case 'other service':
          return get(`/services/${orgs.serviceB}`);
        case 'national view':
          return get('/areas/england');
        case 'regional view':
          return get(`/areas/regions/${orgs.regionA}`);
        case 'ICS view':
          return get(`/areas/icss/${orgs.icsA}`);
        case 'other ICS view':
          return get(`/areas/icss/${orgs.icsB}`);
        case 'team dashboard':
          return get(`/teams/${orgs.teamA1}/dashboard`);
        case 'service dashboard':
          return get(`/services/${orgs.serviceA}/dashboard`);
        case 'regional dashboard':
          return get(`/areas/regions/${orgs.regionA}/dashboard`);
        case 'upload':
          return get(`/teams/${orgs.teamA1}/upload`);
        case 'data sharing agreement':
          return get('/data-sharing-agreement');
        case 'administration':
          return get('/admin');
        case 'team targets':
          return get(`/teams/${orgs.teamA1}/targets`);
        case 'service targets':
          return get(`/services/${orgs.serviceA}/targets`);
        case 'fidelity history':
          return get(`/services/${orgs.serviceA}/fidelity`);
        case 'record fidelity review':
          return get(`/services/${orgs.serviceA}/fidelity/new`);
        case 'regional fidelity':
          return get(`/areas/regions/${orgs.regionA}/fidelity`);
        case 'help for people signed in':
          return get('/help/figures');
        case 'report a problem':
          return get('/report-a-problem');
        case 'help resources admin':
          return get('/admin/resources');
        case 'service returns':
          return get(`/services/${orgs.serviceA}/returns`);
        case 'unsubmitted return':
          return get(`/services/${orgs.serviceA}/returns/${orgs.icsA}/2026Q1`);
        case 'regional returns':
          return get(`/areas/regions/${orgs.regionA}/returns`);
        case 'set return deadline':
          await browser.get('/account');
          return (
            await browser.post('/areas/england/returns/deadline', {
              quarter: '2026Q1',
              deadline: '2026-04-30',
            })
          ).statusCode;
      }
    }

    for (const group of Object.keys(ALLOWED) as Group[]) {
      it(`${group}: ${ALLOWED[group].join(', ') || 'nobody'}`, async () => {
        for (const each of ROLES) {
          const status = await statusFor(each, group);
          const allowed = ALLOWED[group].includes(each);
          const redirects = group === 'name specialists' || group === 'set return deadline';
          const expected = allowed ? (redirects ? 302 : 200) : 403;
          assert.equal(status, expected, `${each} on ${group}`);
        }
      });
    }

    it('refuses the API without a valid token, and with a revoked one', async () => {
      const none = await web.app.inject({ url: '/api/v1/me' });
      assert.equal(none.statusCode, 401);
      assert.match(none.headers['www-authenticate'] as string, /Bearer/);
      const wrong = await web.app.inject({
        url: '/api/v1/me',
        headers: { authorization: 'Bearer ips_nope' },
      });
      assert.equal(wrong.statusCode, 401);
      const me = await web.app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${tokens.get('ics-lead')}` },
      });
      assert.deepEqual(
        JSON.parse(me.body).roleAssignments.map(
          (a: { role: string; scopeType: string; scopeId: number }) => [
            a.role,
            a.scopeType,
            a.scopeId,
          ],
        ),
        [['ics-lead', 'ics', orgs.icsA]],
      );
      await web.database.query('UPDATE api_token SET revoked_at = now()');
      const revoked = await web.app.inject({
        url: '/api/v1/me',
        headers: { authorization: `Bearer ${tokens.get('ics-lead')}` },
      });
      assert.equal(revoked.statusCode, 401);
    });
  });
}
