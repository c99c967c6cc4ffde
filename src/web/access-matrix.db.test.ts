import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  multipartBody,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
  uploadGeneratedSpreadsheet,
} from '../../test/support/test-web.ts';
import { createApiToken } from '../accounts/api-tokens.ts';
import { recordFidelityReview } from '../fidelity/fidelity-store.ts';
import { ROLES, type Role } from '../permissions/permissions.ts';
import { AUTO_FIGURES, checkReturn } from '../returns/return-content.ts';
import { saveDraft, submitReturn } from '../returns/return-store.ts';

/**
 * Every route the app registers × anonymous and every role, with the parameters of an
 * organisation inside the role's scope and one outside it: docs/DESIGN.md's table over HTTP. A route
 * missing from the matrix fails the test, so a new route cannot ship without its rule.
 */

type Scope = 'team' | 'service' | 'region' | 'ics' | null;
interface Rule {
  /** Who may: anyone (public), or these roles inside their scope. */
  readonly who: 'anyone' | readonly Role[];
  /** The organisation the URL (or API query) names, if any. */
  readonly scope: Scope;
  /** Not run for allowed roles: it would end the very session or token the test uses. */
  readonly endsSession?: true;
}

const TL = 'team-leader';
const SM = 'service-manager';
const CO = 'commissioner';
const IL = 'ics-lead';
const RL = 'regional-lead';
const NL = 'national-lead';
const AD = 'administrator';
const ALL_ROLES = ROLES;
const SERVICE_READERS = [SM, CO, IL, RL, NL] as const;

const MATRIX = new Map<string, Rule>();
function rule(
  who: Rule['who'],
  scope: Scope,
  routes: readonly string[],
  extra: Partial<Rule> = {},
) {
  for (const route of routes) {
    assert.ok(!MATRIX.has(route), `${route} has one rule`);
    MATRIX.set(route, { who, scope, ...extra });
  }
}

rule('anyone', null, [
  'GET /health',
  'GET /health/live',
  'GET /health/ready',
  'GET /help',
  'GET /help/spreadsheet',
  'GET /help/template.xlsx',
  'GET /help/template.csv',
  'GET /accessibility',
  'GET /privacy',
  'GET /terms',
  'GET /sign-in',
  'POST /sign-in',
  'GET /sign-in/second-factor',
  'POST /sign-in/second-factor',
  'GET /sign-in/single-sign-on/:provider',
  'GET /sign-in/single-sign-on/:provider/callback',
  'GET /signed-out',
  'GET /request-access',
  'POST /request-access',
  'GET /request-access/sent',
  'GET /password-reset',
  'POST /password-reset',
  'GET /password-reset/sent',
  'GET /password-reset/done',
  'GET /password-reset/:token',
  'POST /password-reset/:token',
  'GET /setup/:token',
  'POST /setup/:token',
]);
rule('anyone', null, ['POST /sign-out'], { endsSession: true });
rule(ALL_ROLES, null, [
  'GET /terms/accept',
  'POST /terms/accept',
  'GET /',
  'GET /account',
  'GET /help/guide',
  'GET /help/faqs',
  'GET /help/figures',
  'GET /help/resources',
  'GET /help/resources/:slug',
  'GET /report-a-problem',
  'POST /report-a-problem',
  'GET /account/two-factor',
  'POST /account/two-factor',
  'POST /account/two-factor/remove',
  'POST /account/api-tokens',
  'POST /account/api-tokens/:tokenId/revoke',
  'GET /api/v1/me',
  'GET /api/v1/returns',
]);
rule(ALL_ROLES, null, ['POST /sign-out-everywhere'], { endsSession: true });
rule([SM], null, ['GET /data-sharing-agreement', 'POST /data-sharing-agreement']);
rule([TL], null, ['GET /upload']);
rule([TL, SM], 'team', [
  'GET /teams/:teamId',
  'GET /teams/:teamId/dashboard',
  'GET /teams/:teamId/records',
  'GET /api/v1/metrics',
  'GET /api/v1/targets',
]);
rule([TL], 'team', [
  'GET /teams/:teamId/upload',
  'POST /teams/:teamId/upload',
  'GET /teams/:teamId/upload/check/:checkId',
  'GET /teams/:teamId/upload/check/:checkId/progress',
  'GET /teams/:teamId/upload/check/:checkId/problems.csv',
  'POST /teams/:teamId/upload/check/:checkId',
  'GET /teams/:teamId/upload/done/:uploadId',
  'GET /teams/:teamId/template.xlsx',
  'GET /teams/:teamId/uploads/:uploadId/roll-back',
  'POST /teams/:teamId/uploads/:uploadId/roll-back',
  'GET /teams/:teamId/targets',
  'POST /teams/:teamId/targets',
  'GET /teams/:teamId/records/:referralId/remove',
  'POST /teams/:teamId/records/:referralId/remove',
  'POST /teams/:teamId/specialists/:specialistId',
  'PUT /api/v1/targets',
  'POST /api/v1/teams/:teamId/uploads',
]);
rule(SERVICE_READERS, 'service', [
  'GET /services/:serviceId',
  'GET /services/:serviceId/dashboard',
  'GET /services/:serviceId/fidelity',
  'GET /services/:serviceId/fidelity/:reviewId',
]);
rule([SM, IL, RL, NL], 'service', ['GET /services/:serviceId/returns/:icsId/:quarter']);
rule([SM, AD], 'service', [
  'GET /services/:serviceId/referral-sources',
  'POST /services/:serviceId/referral-sources',
  'GET /services/:serviceId/template.xlsx',
]);
rule([SM], 'service', [
  'GET /services/:serviceId/records',
  'GET /services/:serviceId/fidelity/new',
  'POST /services/:serviceId/fidelity/new',
  'GET /services/:serviceId/targets',
  'POST /services/:serviceId/targets',
  'GET /services/:serviceId/returns',
  'GET /services/:serviceId/returns/:icsId/:quarter/edit',
  'POST /services/:serviceId/returns/:icsId/:quarter/edit',
  'GET /services/:serviceId/returns/:icsId/:quarter/preview',
  'POST /services/:serviceId/returns/:icsId/:quarter/submit',
  'GET /services/:serviceId/returns/:icsId/:quarter/submitted',
]);
rule([NL], null, [
  'GET /areas/england',
  'GET /areas/england/dashboard',
  'GET /areas/england/fidelity',
  'GET /areas/england/returns',
  'POST /areas/england/returns/deadline',
]);
rule([RL, NL], 'region', [
  'GET /areas/regions/:regionId',
  'GET /areas/regions/:regionId/dashboard',
  'GET /areas/regions/:regionId/fidelity',
  'GET /areas/regions/:regionId/returns',
]);
rule([IL, RL, NL], 'ics', [
  'GET /areas/icss/:icsId',
  'GET /areas/icss/:icsId/dashboard',
  'GET /areas/icss/:icsId/fidelity',
  'GET /areas/icss/:icsId/returns',
]);
rule([AD], null, [
  'GET /admin',
  'GET /admin/access-requests',
  'GET /admin/access-requests/:requestId',
  'POST /admin/access-requests/:requestId/approve',
  'POST /admin/access-requests/:requestId/reject',
  'GET /admin/accounts',
  'GET /admin/accounts/:accountId',
  'POST /admin/accounts/:accountId/roles',
  'POST /admin/accounts/:accountId/roles/:assignmentId/remove',
  'POST /admin/accounts/:accountId/transfer',
  'POST /admin/accounts/:accountId/unlock',
  'POST /admin/accounts/:accountId/remove-two-factor',
  'POST /admin/accounts/:accountId/sign-out-everywhere',
  'GET /admin/services',
  'POST /admin/services',
  'GET /admin/services/:serviceId',
  'POST /admin/services/:serviceId',
  'POST /admin/services/:serviceId/teams',
  'GET /admin/teams/:teamId',
  'POST /admin/teams/:teamId',
  'GET /admin/agreements',
  'GET /admin/agreements/:kind',
  'POST /admin/agreements/:kind',
  'GET /admin/audit',
  'GET /admin/resources',
  'GET /admin/resources/new',
  'POST /admin/resources',
  'GET /admin/resources/:resourceId',
  'POST /admin/resources/:resourceId',
  'GET /admin/problem-reports',
  'POST /admin/problem-reports/:reportId/resolve',
  'GET /admin/single-sign-on',
  'POST /admin/single-sign-on',
  'POST /admin/single-sign-on/remove',
]);

/**
 * Who may reach an organisation outside the "A" side of the tree: only England's lead, and an
 * administrator where a route lets one in anywhere (a service's referral sources).
 */
const OUTSIDE: Readonly<Record<Exclude<Scope, null>, readonly Role[]>> = {
  team: [],
  service: [NL, AD],
  region: [NL],
  ics: [NL],
};

/** The headers every answer carries: a nonce CSP on pages, no caching, no sniffing, no framing. */
function missingHeaders(response: {
  headers: Record<string, unknown>;
  statusCode: number;
}): string | null {
  const header = (name: string) => String(response.headers[name] ?? '');
  if (!header('cache-control').includes('no-store')) return 'no Cache-Control: no-store';
  if (header('x-content-type-options') !== 'nosniff') return 'no X-Content-Type-Options';
  if (header('referrer-policy') !== 'no-referrer') return 'no Referrer-Policy';
  if (!header('content-type').startsWith('text/html')) return null;
  const csp = header('content-security-policy');
  if (!/script-src 'self' 'nonce-[^']+'/.test(csp) || !/frame-ancestors 'none'/.test(csp))
    return `weak CSP: ${csp}`;
  return null;
}

/** Names only the "B" side of the tree has: never in an answer to someone refused it. */
const OUTSIDE_NAMES = /Southshire IPS|South team/;
const MISSING = '999999';
/** Ids the matrix makes up, for things it does not create: a page for them may answer 404. */
const MADE_UP = new Set([
  MISSING,
  'no-such-check',
  'no-such-page',
  'no-such-token',
  'no-such-agreement',
]);

for (const testDatabase of testDatabases()) {
  describe(`access matrix: every route × every role (${testDatabase.driver})`, () => {
    let web: TestWeb;
    const browsers = new Map<Role | 'anonymous', TestBrowser>();
    const tokens = new Map<Role, string>();
    /** Parameter values, inside ("A") and outside ("B") the roles' scopes. */
    let inside: Record<string, string>;
    let outside: Record<string, string>;
    let checked = 0;
    /** Allowed GETs naming only things that exist, each required to be served (below 400). */
    let servedPages = 0;

    before(async () => {
      web = await startTestWeb(testDatabase);
      const orgs = await seedOrganisations(web.database);
      const scopes: Record<Role, ReturnType<typeof role>> = {
        'team-leader': role(TL, { teamId: orgs.teamA1 }),
        'service-manager': role(SM, { serviceId: orgs.serviceA, dataGovernanceLead: 'yes' }),
        commissioner: role(CO, { serviceId: orgs.serviceA }),
        'ics-lead': role(IL, { icsId: orgs.icsA }),
        'regional-lead': role(RL, { regionId: orgs.regionA }),
        'national-lead': role(NL),
        administrator: role(AD),
      };
      for (const each of ROLES) {
        const accountId = await createTestAccount(web.database, `${each}@nhs.net`, [scopes[each]]);
        tokens.set(each, await createApiToken(web.database, accountId, 'matrix', new Date()));
        const browser = web.browser();
        await browser.signIn(`${each}@nhs.net`);
        browsers.set(each, browser);
      }
      const anonymous = web.browser();
      await anonymous.get('/sign-in');
      browsers.set('anonymous', anonymous);

      // Data on both sides, so a refusal can be seen not to leak it.
      const leaderB = web.browser();
      await createTestAccount(web.database, 'leader-b@nhs.net', [
        role(TL, { teamId: orgs.teamB1 }),
      ]);
      await leaderB.signIn('leader-b@nhs.net');
      const options = { rows: 20, seed: 4, today: '2026-05-31' };
      // Two uploads each, so the first can be rolled back to.
      for (const seed of [4, 5]) {
        const upload = { ...options, seed };
        await uploadGeneratedSpreadsheet(browsers.get(TL) as TestBrowser, orgs.teamA1, upload);
        await uploadGeneratedSpreadsheet(leaderB, orgs.teamB1, upload);
      }
      const first = async (sql: string, parameters: number[]) =>
        String((await web.database.query<{ id: number }>(sql, parameters))[0]?.id ?? MISSING);
      const uploadOf = (teamId: number) =>
        first('SELECT id FROM upload WHERE team_id = $1 ORDER BY id', [teamId]);
      const referralOf = (teamId: number) =>
        first('SELECT id FROM referral WHERE team_id = $1 LIMIT 1', [teamId]);
      const review = (serviceId: number) =>
        recordFidelityReview(
          web.database,
          {
            serviceId,
            reviewDate: '2026-03-01',
            reviewType: 'independent',
            reviewerOrganisation: 'IPS Grow',
            itemScores: Array.from({ length: 25 }, () => 4),
            actionPlan: '',
          },
          1,
          new Date(),
        );
      const returnForm = {
        ...Object.fromEntries(AUTO_FIGURES.map(({ id }) => [`figure-${id}`, '1'])),
        carriedOver: '1',
        specialistsInPost: '1',
        specialistsFunded: '1',
        teamLeaders: '1',
        vacancies: '0',
        fundingWave: 'wave-1',
        progress: 'Steady.',
      };
      const checkedReturn = checkReturn(returnForm, null, { year: 2026, quarter: 1 });
      if (!checkedReturn.ok) throw new Error('The matrix return form is incomplete');
      for (const [serviceId, icsId] of [
        [orgs.serviceA, orgs.icsA],
        [orgs.serviceB, orgs.icsB],
      ] as const) {
        const key = { serviceId, icsId, quarter: '2026Q1' };
        await saveDraft(web.database, key, returnForm, 1, new Date());
        await submitReturn(web.database, key, checkedReturn.content, 1, new Date());
      }
      const common = {
        checkId: 'no-such-check',
        tokenId: MISSING,
        specialistId: MISSING,
        quarter: '2026Q1',
        slug: 'no-such-page',
        token: 'no-such-token',
        requestId: MISSING,
        accountId: MISSING,
        assignmentId: MISSING,
        resourceId: MISSING,
        reportId: MISSING,
        kind: 'no-such-agreement',
      };
      inside = {
        ...common,
        teamId: String(orgs.teamA1),
        serviceId: String(orgs.serviceA),
        regionId: String(orgs.regionA),
        icsId: String(orgs.icsA),
        uploadId: await uploadOf(orgs.teamA1),
        referralId: await referralOf(orgs.teamA1),
        reviewId: String(await review(orgs.serviceA)),
      };
      outside = {
        ...common,
        teamId: String(orgs.teamB1),
        serviceId: String(orgs.serviceB),
        regionId: String(orgs.regionB),
        icsId: String(orgs.icsB),
        uploadId: await uploadOf(orgs.teamB1),
        referralId: await referralOf(orgs.teamB1),
        reviewId: String(await review(orgs.serviceB)),
      };
    });
    after(() => web.close());

    /** Every id in the URL is one that exists in this database (not a made-up one). */
    const namesOnlyRealThings = (url: string, parameters: Record<string, string>) =>
      [...url.matchAll(/:(\w+)/g)].every(([, name]) => {
        const value = parameters[name ?? ''];
        return value !== undefined && !MADE_UP.has(value);
      });

    const routeKey = ({ method, url }: { method: string; url: string }) => `${method} ${url}`;

    it('has a rule for every route the app serves, and no rule for a route it does not', () => {
      const served = new Set(web.app.routeTable.map(routeKey));
      assert.deepEqual(
        [...served].filter((route) => !MATRIX.has(route)),
        [],
        'routes without a rule',
      );
      assert.deepEqual(
        [...MATRIX.keys()].filter((route) => !served.has(route)),
        [],
        'rules for routes that do not exist',
      );
    });

    async function request(
      who: Role | 'anonymous',
      method: string,
      url: string,
      parameters: Record<string, string>,
    ) {
      if (url.includes(':referralId')) {
        // A roll-back rebuilds the team's records with new ids: name one that is there now.
        const [current] = await web.database.query<{ id: number }>(
          'SELECT id FROM referral WHERE team_id = $1 LIMIT 1',
          [Number(parameters.teamId)],
        );
        parameters.referralId = String(current?.id ?? MISSING);
      }
      const path = url.replace(/:(\w+)/g, (_whole, name: string) => parameters[name] ?? MISSING);
      if (path.startsWith('/api/')) {
        const team = parameters.teamId;
        const query = `team=${team}&from=2026-01-01&to=2026-03-31&year=2026&quarter=2026Q1`;
        const headers: Record<string, string> =
          who === 'anonymous' ? {} : { authorization: `Bearer ${tokens.get(who)}` };
        if (method === 'POST') {
          const { contentType, payload } = multipartBody([]);
          return web.app.inject({
            method,
            url: path,
            payload,
            headers: { ...headers, 'content-type': contentType },
          });
        }
        if (method === 'PUT') {
          return web.app.inject({
            method,
            url: path,
            headers,
            payload: { team: Number(team), year: 2026, measure: 'referrals', target: 5 },
          });
        }
        return web.app.inject({ method, url: `${path}?${query}`, headers });
      }
      const browser = browsers.get(who) as TestBrowser;
      return method === 'GET' ? browser.get(path) : browser.post(path);
    }

    for (const who of ['anonymous', ...ROLES] as const) {
      it(`${who}: allowed where the table says, refused elsewhere, nothing from outside`, async () => {
        const failures: string[] = [];
        for (const route of web.app.routeTable) {
          const key = routeKey(route);
          const matrixRule = MATRIX.get(key);
          if (matrixRule === undefined) continue;
          const sides: Array<[string, Record<string, string>, boolean]> = [
            [
              'inside',
              inside,
              matrixRule.who === 'anyone' || (who !== 'anonymous' && matrixRule.who.includes(who)),
            ],
          ];
          if (matrixRule.scope !== null && who !== 'anonymous' && matrixRule.who !== 'anyone') {
            const reaches = OUTSIDE[matrixRule.scope].includes(who) && matrixRule.who.includes(who);
            sides.push(['outside', outside, reaches]);
          }
          for (const [side, parameters, allowed] of sides) {
            // Signing out would end the session the rest of this role's checks use.
            if (matrixRule.endsSession && who !== 'anonymous') continue;
            const response = await request(who, route.method, route.url, parameters);
            checked++;
            const location = String(response.headers.location ?? '');
            const status = response.statusCode;
            const api = route.url.startsWith('/api/');
            let fault: string | null = null;
            if (status >= 500) fault = `server error ${status}`;
            else if (who === 'anonymous' && matrixRule.who !== 'anyone') {
              const toSignIn = api
                ? status === 401
                : status === 302 && location.startsWith('/sign-in');
              if (!toSignIn) fault = `expected sign-in, got ${status} ${location}`;
            } else if (matrixRule.who === 'anyone') {
              // Public pages may still send someone on (a second-factor page without a
              // pending sign-in goes back to sign-in), but never refuse them.
              if (status === 401 || status === 403) fault = `refused a public page: ${status}`;
            } else if (allowed) {
              if (status === 401 || status === 403 || /^\/(sign-in|terms)/.test(location))
                fault = `expected allowed, got ${status} ${location}`;
              // A page of things that exist must be served, not only let past the gate.
              else if (route.method === 'GET' && namesOnlyRealThings(route.url, parameters)) {
                servedPages++;
                if (status >= 400) fault = `expected the page, got ${status}`;
              }
            } else {
              if (status !== 403) fault = `expected 403, got ${status} ${location}`;
              if (side === 'outside' && OUTSIDE_NAMES.test(response.body))
                fault = 'an outside name in the refusal';
            }
            fault ??= missingHeaders(response);
            if (fault) failures.push(`${key} (${side}): ${fault}`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }

    it('refuses every form posted without its CSRF token, whoever posts it', async () => {
      // A fresh rate-limit window, so the answer is the CSRF check's and not a 429.
      web.advanceMinutes(16);
      const posts = web.app.routeTable.filter(
        ({ method, url }) => method === 'POST' && !url.startsWith('/api/'),
      );
      const failures: string[] = [];
      for (const route of posts) {
        const path = route.url.replace(
          /:(\w+)/g,
          (_whole, name: string) => inside[name] ?? MISSING,
        );
        for (const who of ['anonymous', TL, AD] as const) {
          const browser = browsers.get(who) as TestBrowser;
          const response = await browser.postWithoutCsrf(path);
          checked++;
          if (response.statusCode !== 403)
            failures.push(`${route.url} as ${who}: ${response.statusCode}`);
        }
      }
      assert.deepEqual(failures, []);
    });

    it('checked every route for every principal', () => {
      process.stdout.write(
        `# access matrix: ${MATRIX.size} routes, ${checked} requests checked, ${servedPages} pages of things that exist served (${testDatabase.driver})\n`,
      );
      assert.ok(checked > MATRIX.size * 8);
    });
  });
}
