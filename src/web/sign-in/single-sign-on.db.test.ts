import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  signInAtProvider,
  startTestOpenIdProvider,
  TEST_CLIENT,
  type TestOpenIdProvider,
} from '../../../test/support/test-openid-provider.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';
import { requireSingleSignOn } from '../../accounts/single-sign-on-domains.ts';

const APP = 'http://localhost:3000';
const CALLBACK = `${APP}/sign-in/single-sign-on/cis2/callback`;
const PEOPLE = {
  alice: { email: 'Alice@nhs.net', email_verified: true },
  unverified: { email: 'unverified@nhs.net', email_verified: false },
  stranger: { email: 'stranger@nhs.net', email_verified: true },
  // An administrator outside the single sign-on domains, whom a provider could also vouch for.
  outsider: { email: 'admin@example.org', email_verified: true },
  outsideStranger: { email: 'nobody@example.org', email_verified: true },
};
const heading = (body: string) => /<h1[^>]*>([^<]*)</.exec(body)?.[1]?.trim();

/** A port nothing listens on: a provider that cannot be reached. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

for (const testDatabase of testDatabases()) {
  describe(`single sign-on against a real OpenID provider (${testDatabase.driver})`, () => {
    let provider: TestOpenIdProvider;
    let otherProvider: TestOpenIdProvider;
    let web: TestWeb;

    before(async () => {
      provider = await startTestOpenIdProvider([CALLBACK], PEOPLE);
      otherProvider = await startTestOpenIdProvider([CALLBACK], PEOPLE);
      web = await startTestWeb(testDatabase, {
        IPS_OIDC_CIS2_ISSUER: provider.issuer,
        IPS_OIDC_CIS2_CLIENT_ID: TEST_CLIENT.id,
        IPS_OIDC_CIS2_CLIENT_SECRET: TEST_CLIENT.secret,
        IPS_OIDC_ENTRA_ISSUER: `http://127.0.0.1:${await closedPort()}`,
        IPS_OIDC_ENTRA_CLIENT_ID: 'unreachable',
        IPS_OIDC_ENTRA_CLIENT_SECRET: 'unreachable',
      });
      const orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'alice@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      await createTestAccount(web.database, 'unverified@nhs.net', [role('national-lead')]);
      const adminId = await createTestAccount(web.database, 'admin@example.org', [
        role('administrator'),
      ]);
      await requireSingleSignOn(web.services, 'nhs.net', adminId);
    });
    after(async () => {
      await web.close();
      await provider.close();
      await otherProvider.close();
    });

    /** Starts at the sign-in page's button; the provider's authorization URL it sends to. */
    async function begin(browser: TestBrowser, next = '/account'): Promise<URL> {
      const page = await browser.get(`/sign-in?next=${encodeURIComponent(next)}`);
      const href = /href="(\/sign-in\/single-sign-on\/cis2[^"]*)"/.exec(page.body)?.[1];
      assert.ok(href, 'the sign-in page has the CIS2 button');
      const started = await browser.get(href.replaceAll('&amp;', '&'));
      assert.equal(started.statusCode, 302);
      const location = new URL(String(started.headers.location));
      assert.equal(location.origin, provider.issuer);
      return location;
    }

    /** Back at the app with the provider's answer: the callback's response. */
    async function returnToApp(browser: TestBrowser, callbackUrl: string) {
      assert.ok(callbackUrl.startsWith(CALLBACK), `back at the app: ${callbackUrl}`);
      return browser.get(callbackUrl.slice(APP.length));
    }

    async function assertSignedIn(browser: TestBrowser, yes: boolean) {
      const account = await browser.get('/account');
      if (yes) assert.equal(account.statusCode, 200, 'signed in');
      else assert.match(String(account.headers.location), /^\/sign-in/, 'not signed in');
    }

    /**
     * A refusal: a clear page with its heading, nothing signed in, no 500, and the audit log
     * naming the check that refused it (so it is refused for the reason the test is about).
     */
    async function assertRefused(
      browser: TestBrowser,
      response: { statusCode: number; body: string },
      title: string,
      because: RegExp,
    ) {
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, `${response.statusCode}`);
      assert.equal(heading(response.body), title);
      const [refusal] = await web.database.query<{ detail: string }>(
        "SELECT detail FROM audit_event WHERE action = 'single sign-on refused' ORDER BY id DESC LIMIT 1",
      );
      assert.match(refusal?.detail ?? '', because);
      await assertSignedIn(browser, false);
    }

    async function refusalsAudited(): Promise<number> {
      const rows = await web.database.query(
        "SELECT 1 FROM audit_event WHERE action = 'single sign-on refused'",
      );
      return rows.length;
    }

    it('shows a button per provider and signs in end to end: PKCE S256, state, nonce', async () => {
      const browser = web.browser();
      const sign = await browser.get('/sign-in');
      assert.match(sign.body, /Sign in with NHS Care Identity Service 2/);
      assert.match(sign.body, /Sign in with NHSmail \(Microsoft Entra ID\)/);
      const authorization = await begin(browser);
      const parameters = authorization.searchParams;
      assert.equal(parameters.get('code_challenge_method'), 'S256');
      assert.equal(parameters.get('scope'), 'openid email profile');
      assert.equal(parameters.get('redirect_uri'), CALLBACK);
      for (const name of ['code_challenge', 'state', 'nonce'])
        assert.ok(parameters.get(name), name);
      const [attempt] = await web.database.query<{ state: string; nonce: string }>(
        'SELECT state, nonce FROM single_sign_on_attempt',
      );
      assert.equal(attempt?.state, parameters.get('state'), 'the attempt is kept in the database');

      const signedIn = await returnToApp(
        browser,
        await signInAtProvider(authorization.href, 'alice'),
      );
      assert.equal(signedIn.statusCode, 302);
      assert.equal(signedIn.headers.location, '/account');
      await assertSignedIn(browser, true);
      const [session] = await web.database.query<{ secondFactorPending: boolean }>(
        `SELECT second_factor_pending AS "secondFactorPending" FROM session s
           JOIN account a ON a.id = s.account_id WHERE a.email = 'alice@nhs.net'`,
      );
      assert.equal(
        session?.secondFactorPending,
        false,
        "the provider's sign-in is the second factor",
      );
      const audit = await web.database.query<{ action: string; detail: string }>(
        "SELECT action, detail FROM audit_event WHERE action LIKE '%signed in with single sign-on%'",
      );
      assert.deepEqual(audit, [
        { action: 'signed in with single sign-on', detail: 'NHS Care Identity Service 2' },
      ]);
      assert.equal(
        (await web.database.query('SELECT 1 FROM single_sign_on_attempt')).length,
        0,
        'the attempt is used up',
      );
      const log = web.logLines.join('');
      assert.doesNotMatch(log, /eyJ[\w-]+\.[\w-]+\./, 'no token is logged');
      assert.doesNotMatch(log, /Alice@nhs\.net|alice@nhs\.net/i, 'no email is logged');
    });

    it('refuses a callback whose state is not the one sent', async () => {
      const browser = web.browser();
      const back = new URL(await signInAtProvider((await begin(browser)).href, 'alice'));
      back.searchParams.set('state', 'someone-elses-state');
      await assertRefused(
        browser,
        await returnToApp(browser, back.href),
        'We could not confirm your sign-in',
        /"state" response parameter/,
      );
    });

    it('refuses a provider answer arriving in a browser that did not begin the sign-in, logging but not auditing it', async () => {
      const back = await signInAtProvider((await begin(web.browser())).href, 'alice');
      const victim = web.browser();
      const audited = await refusalsAudited();
      const refused = await returnToApp(victim, back);
      assert.equal(refused.statusCode, 400);
      assert.equal(heading(refused.body), 'Your sign-in timed out');
      await assertSignedIn(victim, false);
      assert.equal(
        await refusalsAudited(),
        audited,
        'a callback without the cookie proves nothing and anyone can send it: not audited',
      );
      const logged = web.logLines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.event === 'single-sign-on-refused');
      assert.deepEqual(
        [logged.at(-1)?.level, logged.at(-1)?.reason, logged.at(-1)?.check],
        [30, 'no-attempt', 'no attempt cookie'],
        'logged at info instead',
      );
    });

    it("keeps the provider's error only when it is a standard error code", async () => {
      const cases = [
        ['login_required', /^provider-declined: login_required$/],
        ['x'.repeat(5000), /^provider-declined: other$/],
        ['access_denied<script>', /^provider-declined: other$/],
      ] as const;
      for (const [error, because] of cases) {
        const browser = web.browser();
        const authorization = await begin(browser);
        const back = new URL(CALLBACK);
        back.search = new URLSearchParams({
          error,
          error_description: 'y'.repeat(2000),
          state: authorization.searchParams.get('state') ?? '',
          iss: provider.issuer,
        }).toString();
        await assertRefused(
          browser,
          await returnToApp(browser, back.href),
          'You were not signed in',
          because,
        );
      }
    });

    it('refuses a wrong PKCE verifier, and the provider refuses a request without a challenge', async () => {
      const browser = web.browser();
      const authorization = await begin(browser);
      await web.database.query("UPDATE single_sign_on_attempt SET code_verifier = repeat('x', 43)");
      const back = await signInAtProvider(authorization.href, 'alice');
      await assertRefused(
        browser,
        await returnToApp(browser, back),
        'We could not confirm your sign-in',
        /provider answered invalid_grant/,
      );

      const withoutPkce = web.browser();
      const stripped = await begin(withoutPkce);
      stripped.searchParams.delete('code_challenge');
      stripped.searchParams.delete('code_challenge_method');
      const declined = await returnToApp(
        withoutPkce,
        await signInAtProvider(stripped.href, 'alice'),
      );
      await assertRefused(
        withoutPkce,
        declined,
        'You were not signed in',
        /^provider-declined: invalid_request$/,
      );
    });

    it('refuses an answer from a different issuer (a second provider)', async () => {
      const browser = web.browser();
      const authorization = await begin(browser);
      const elsewhere = new URL(
        authorization.pathname + authorization.search,
        otherProvider.issuer,
      );
      const back = await signInAtProvider(elsewhere.href, 'alice');
      await assertRefused(
        browser,
        await returnToApp(browser, back),
        'We could not confirm your sign-in',
        /"iss" \(issuer\) response parameter/,
      );
    });

    const tampered: ReadonlyArray<[string, RegExp, (claims: Record<string, unknown>) => void]> = [
      [
        'a nonce that is not the one sent',
        /"nonce" claim/,
        (claims) => (claims.nonce = 'replayed'),
      ],
      ['another audience (client id)', /"aud"/, (claims) => (claims.aud = 'some-other-client')],
      [
        'another issuer',
        /"iss" \(issuer\) claim/,
        (claims) => (claims.iss = 'https://other.example'),
      ],
      [
        'an expired ID token',
        /"exp"/,
        (claims) => {
          const now = Math.floor(Date.now() / 1000);
          Object.assign(claims, { iat: now - 900, exp: now - 300 });
        },
      ],
    ];
    for (const [what, because, change] of tampered) {
      it(`refuses an ID token with ${what}, signed by the provider's own key`, async () => {
        const browser = web.browser();
        const authorization = await begin(browser);
        provider.tamperWithNextIdToken(change);
        const back = await signInAtProvider(authorization.href, 'alice');
        await assertRefused(
          browser,
          await returnToApp(browser, back),
          'We could not confirm your sign-in',
          because,
        );
      });
    }

    it('matches only a verified email, and creates no account', async () => {
      const cases = [
        ['unverified', 'Your email address could not be confirmed', /^email-not-verified$/],
        ['stranger', 'You do not have an IPS Reporting account', /^no-account$/],
      ] as const;
      for (const [subject, title, because] of cases) {
        const browser = web.browser();
        const back = await signInAtProvider((await begin(browser)).href, subject);
        const response = await returnToApp(browser, back);
        await assertRefused(browser, response, title, because);
        if (subject === 'stranger') assert.match(response.body, /href="\/request-access"/);
      }
      const strangers = await web.database.query(
        "SELECT 1 FROM account WHERE email = 'stranger@nhs.net'",
      );
      assert.equal(strangers.length, 0, 'no account is created at sign-in');
    });

    it('signs in nobody outside the single sign-on domains, with or without an account', async () => {
      const pages = [];
      for (const subject of ['outsider', 'outsideStranger']) {
        const browser = web.browser();
        const back = await signInAtProvider((await begin(browser)).href, subject);
        const response = await returnToApp(browser, back);
        await assertRefused(
          browser,
          response,
          'Your organisation does not sign in to IPS Reporting with single sign-on',
          /^email-domain-not-listed$/,
        );
        assert.match(response.body, /Sign in with your email address and password/);
        // Only the script nonce differs from one response to the next.
        pages.push(response.body.replace(/nonce="[^"]*"/g, ''));
      }
      assert.equal(pages[0], pages[1], 'the same page whether or not the account exists');
      const sessions = await web.database.query(
        "SELECT 1 FROM session s JOIN account a ON a.id = s.account_id WHERE a.email = 'admin@example.org'",
      );
      assert.equal(sessions.length, 0, 'the administrator outside the list is not signed in');
    });

    it('says clearly when a provider cannot be reached, and names no provider it does not know', async () => {
      const browser = web.browser();
      const unreachable = await browser.get('/sign-in/single-sign-on/entra');
      assert.equal(unreachable.statusCode, 503);
      assert.equal(heading(unreachable.body), 'Single sign-on is not available at the moment');
      assert.equal((await browser.get('/sign-in/single-sign-on/google')).statusCode, 404);
      assert.equal((await browser.get('/sign-in/single-sign-on/cis2/callback')).statusCode, 400);
    });
  });
}
