import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { TEST_DATABASES } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  TEST_PASSWORD,
  type TestWeb,
} from '../../test/support/test-web.ts';
import { readNext, safeNext } from './sign-in/sign-in.ts';

const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

/** The Set-Cookie line for a cookie, whatever its prefix. */
function setCookie(headers: Record<string, unknown>, name: RegExp): string {
  const lines = [headers['set-cookie'] ?? []].flat().map(String);
  return lines.find((line) => name.test(line.split('=')[0] ?? '')) ?? '';
}

const OFF_SITE = [
  'https://evil.example/',
  '//evil.example/',
  '/\\evil.example/',
  '\\\\evil.example',
  'javascript:alert(1)',
  'evil.example',
  '',
];

describe('web hardening', () => {
  describe('development mode', () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb(pglite);
      const orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
    });
    after(() => web.close());

    it('gives a new session at sign-in: a session id planted before it is never signed in', async () => {
      const browser = web.browser();
      await browser.get('/sign-in');
      const planted = 'planted-by-an-attacker';
      const signedIn = await web.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { cookie: `ips_session=${planted}` },
        payload: { email: 'leader@nhs.net', password: TEST_PASSWORD },
      });
      // The CSRF check stops a sign-in without its token; with it, the session is new.
      assert.equal(signedIn.statusCode, 403);
      const first = await browser.signIn('leader@nhs.net');
      const session = /ips_session=([^;]+)/.exec(setCookie(first.headers, /ips_session/))?.[1];
      assert.ok(session && session !== planted);
      const second = await web.browser().signIn('leader@nhs.net');
      const another = /ips_session=([^;]+)/.exec(setCookie(second.headers, /ips_session/))?.[1];
      assert.notEqual(another, session, 'each sign-in its own session');
      const withPlanted = await web.app.inject({
        url: '/account',
        headers: { cookie: `ips_session=${planted}` },
      });
      assert.match(String(withPlanted.headers.location), /^\/sign-in/);
    });

    it('sets the session cookie HttpOnly and SameSite=Lax, on the whole site', async () => {
      const response = await web.browser().signIn('leader@nhs.net');
      const cookie = setCookie(response.headers, /ips_session/);
      assert.match(cookie, /; HttpOnly/);
      assert.match(cookie, /; SameSite=Lax/);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /Domain=/);
    });

    it('never sends anyone off the site after signing in', async () => {
      for (const next of OFF_SITE) assert.equal(safeNext(next), '/', next);
      assert.equal(safeNext('/teams/1/dashboard?view=jobs'), '/teams/1/dashboard?view=jobs');
      // The query string's `next` first, then the form's; one off the site is never passed over.
      assert.equal(readNext({}, { next: '/account' }), '/account');
      assert.equal(readNext({ next: '//evil.example' }, { next: '/account' }), '/');
      assert.equal(readNext({ next: ['/a', '/b'] }, undefined), '/');
      for (const next of OFF_SITE) {
        const browser = web.browser();
        await browser.get(`/sign-in?next=${encodeURIComponent(next)}`);
        const response = await browser.post('/sign-in', {
          email: 'leader@nhs.net',
          password: TEST_PASSWORD,
          next,
        });
        assert.equal(response.headers.location, '/', next);
      }
    });
  });

  describe('secure mode', () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb(pglite, {
        IPS_SECURE: '1',
        IPS_BASE_URL: 'https://ips.example.nhs.uk',
        IPS_SESSION_SECRET: 'a session secret of at least thirty-two characters',
        IPS_PSEUDONYMISATION_SECRET: randomBytes(32).toString('hex'),
        IPS_SMTP_URL: 'smtp://user:password@127.0.0.1:2525',
        // The test's own in-memory database stands in for PostgreSQL.
        IPS_ALLOW_EMBEDDED_DATABASE: '1',
      });
      const orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'secure@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
    });
    after(() => web.close());

    it('prefixes the cookies __Host- and marks them Secure', async () => {
      const page = await web.app.inject({ url: '/sign-in' });
      const csrf = setCookie(page.headers, /^__Host-/);
      assert.match(csrf, /^__Host-[^=]+=.*; Secure/);
      assert.match(csrf, /; Path=\//);
      assert.doesNotMatch(csrf, /Domain=/);
      const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
      const cookie = csrf.split(';')[0] ?? '';
      const signedIn = await web.app.inject({
        method: 'POST',
        url: '/sign-in',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: token,
          email: 'secure@nhs.net',
          password: TEST_PASSWORD,
        }).toString(),
      });
      assert.equal(signedIn.statusCode, 302);
      const session = setCookie(signedIn.headers, /^__Host-ips_session/);
      assert.match(session, /; Secure/);
      assert.match(session, /; HttpOnly/);
      assert.match(session, /; SameSite=Lax/);
      assert.match(String(page.headers['strict-transport-security']), /max-age=\d+/);
    });
  });
});
