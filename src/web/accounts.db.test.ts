import assert from 'node:assert/strict';
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
import { timeStepAt, totpCode } from '../accounts/totp.ts';
import { firstAdministratorLink } from '../server/composition-root.ts';

const [pglite] = TEST_DATABASES;
if (pglite === undefined) throw new Error('PGlite test database missing');

const heading = (body: string) => /<h1[^>]*>([^<]*)</.exec(body)?.[1]?.trim();
/** The link in the last email, once the queued email is sent. */
const outboxLink = async (web: TestWeb) => {
  await web.sendEmail();
  const mail = web.outbox.at(-1) ?? '';
  const path = /http:\/\/localhost:3000(\/password-reset\/[A-Za-z0-9_-]+)/.exec(mail)?.[1];
  if (path === undefined) throw new Error(`no link in the outbox: ${mail}`);
  return path;
};

describe('accounts, sign-in and governance', () => {
  let web: TestWeb;
  let orgs: Awaited<ReturnType<typeof seedOrganisations>>;

  before(async () => {
    web = await startTestWeb(pglite);
    orgs = await seedOrganisations(web.database);
  });
  after(() => web.close());

  it('serves the sign-in page, health, and NHS-styled error pages', async () => {
    const browser = web.browser();
    const signIn = await browser.get('/sign-in');
    assert.equal(signIn.statusCode, 200);
    assert.match(signIn.body, /<title>Sign in – IPS Reporting<\/title>/);
    assert.match(signIn.body, /name="email"/);
    assert.match(
      signIn.headers['content-security-policy'] as string,
      /script-src 'self' 'nonce-[^']+'/,
    );
    assert.equal(signIn.headers['cache-control'], 'no-store');
    assert.equal((await browser.get('/health')).statusCode, 200);
    const missing = await browser.get('/no-such-page');
    assert.equal(missing.statusCode, 404);
    assert.equal(heading(missing.body), 'Page not found');
    assert.equal(
      (await browser.get('/teams/not-a-number')).statusCode,
      302,
      'signed out: to sign in',
    );
  });

  it('creates the first administrator from the one-time start-up link, once', async () => {
    const link = await firstAdministratorLink(web.services);
    assert.ok(link);
    const path = new URL(link).pathname;
    const browser = web.browser();
    assert.equal((await browser.get(path)).statusCode, 200);
    const incomplete = await browser.post(path, { name: 'First Admin', email: 'first@nhs.net' });
    assert.equal(incomplete.statusCode, 400);
    assert.match(incomplete.body, /Enter a new password/);
    const created = await browser.post(path, {
      name: 'First Admin',
      email: 'first@nhs.net',
      newPassword: 'first admin password',
      confirmPassword: 'first admin password',
    });
    assert.equal(created.headers.location, '/sign-in');
    assert.equal((await browser.get(path)).statusCode, 404, 'used');
    assert.equal(
      await firstAdministratorLink(web.services),
      null,
      'no link once there is an administrator',
    );
    await browser.signIn('first@nhs.net', 'first admin password');
    await browser.get('/terms/accept');
    await browser.post('/terms/accept', { version: '1', accept: 'yes' });
    assert.equal((await browser.get('/admin')).statusCode, 200);
  });

  it('answers /health as ready once the database is migrated, and puts the CSP nonce on the page script', async () => {
    const page = await web.browser().get('/sign-in');
    const nonce = /'nonce-([^']+)'/.exec(page.headers['content-security-policy'] as string)?.[1];
    assert.ok(nonce);
    assert.match(page.body, new RegExp(`<script nonce="${nonce.replace(/[+/]/g, '\\$&')}">`));
    assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
    const health = await web.app.inject({ url: '/health' });
    assert.deepEqual(JSON.parse(health.body), { status: 'ready' });
  });

  it('refuses a form without its CSRF token', async () => {
    const response = await web.app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: { email: 'a@nhs.net', password: 'x' },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(heading(response.body), 'This form has expired');
  });

  it('signs in by email in any case, asks for the terms once, and signs out', async () => {
    await createTestAccount(
      web.database,
      'Mixed.Case@nhs.net',
      [role('team-leader', { teamId: orgs.teamA1 })],
      {
        acceptTerms: false,
      },
    );
    const browser = web.browser();
    await browser.get('/sign-in?next=/account');
    const signedIn = await browser.post('/sign-in', {
      email: ' mixed.case@NHS.net ',
      password: TEST_PASSWORD,
      next: '/account',
    });
    assert.equal(signedIn.headers.location, '/account');
    const account = await browser.get('/account');
    assert.equal(account.headers.location, '/terms/accept?next=%2Faccount');
    const terms = await browser.get('/terms/accept?next=%2Faccount');
    assert.equal(heading(terms.body), 'Accept the terms and conditions');
    const unticked = await browser.post('/terms/accept', { version: '1', next: '/account' });
    assert.equal(unticked.statusCode, 400);
    assert.match(unticked.body, /<title>Error: /);
    assert.match(unticked.body, /Confirm that you accept the terms and conditions/);
    const accepted = await browser.post('/terms/accept', {
      version: '1',
      accept: 'yes',
      next: '/account',
    });
    assert.equal(accepted.headers.location, '/account');
    assert.equal((await browser.get('/account')).statusCode, 200);
    // A new version of the terms is asked for again.
    await web.database.query(
      "INSERT INTO agreement_version (kind, version, body) VALUES ('end-user', 2, 'New terms')",
    );
    assert.match((await browser.get('/')).headers.location as string, /^\/terms\/accept/);
    await browser.post('/terms/accept', { version: '2', accept: 'yes', next: '/' });
    assert.equal((await browser.get('/')).statusCode, 200);
    await browser.post('/sign-out');
    assert.match((await browser.get('/')).headers.location as string, /^\/sign-in/);
  });

  it('makes an address wait after 5 wrong passwords, and never redirects off-site', async () => {
    await createTestAccount(web.database, 'locked@nhs.net', []);
    const browser = web.browser();
    await browser.get('/sign-in');
    for (let attempt = 1; attempt <= 5; attempt++) {
      const wrong = await browser.post('/sign-in', {
        email: 'locked@nhs.net',
        password: 'wrong password',
      });
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /Enter a correct email address and password/);
    }
    const right = await browser.post('/sign-in', {
      email: 'locked@nhs.net',
      password: TEST_PASSWORD,
    });
    assert.equal(right.statusCode, 400, 'even the right password while the address waits');
    assert.match(right.body, /Enter a correct email address and password/);
    web.advanceMinutes(2);
    const later = await browser.post('/sign-in', {
      email: 'locked@nhs.net',
      password: TEST_PASSWORD,
      next: '//evil.example/',
    });
    assert.equal(later.statusCode, 302);
    assert.equal(later.headers.location, '/');
  });

  it('rate-limits sign-in attempts from one address', async () => {
    const browser = web.browser();
    await browser.get('/sign-in');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt++) {
      statuses.push(
        (await browser.post('/sign-in', { email: 'nobody@nhs.net', password: 'guess' })).statusCode,
      );
    }
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(400));
    const limited = await browser.post('/sign-in', { email: 'nobody@nhs.net', password: 'guess' });
    assert.equal(limited.statusCode, 429);
    assert.equal(heading(limited.body), 'Too many attempts');
    // Counted in the database (shared by every app server), by hash: no address is stored.
    const windows = await web.database.query<{ keyHash: string }>(
      'SELECT key_hash AS "keyHash" FROM rate_limit_window',
    );
    assert.ok(windows.length > 0);
    assert.ok(windows.every((window) => /^[0-9a-f]{64}$/.test(window.keyHash)));
    web.advanceMinutes(6);
    const nextWindow = await browser.post('/sign-in', {
      email: 'nobody@nhs.net',
      password: 'guess',
    });
    assert.equal(nextWindow.statusCode, 400, 'a new window after five minutes');
  });

  it('ends a session after 30 minutes idle, and signs out everywhere', async () => {
    await createTestAccount(web.database, 'idle@nhs.net', []);
    const first = web.browser();
    const second = web.browser();
    await first.signIn('idle@nhs.net');
    await second.signIn('idle@nhs.net');
    web.advanceMinutes(29);
    assert.equal((await first.get('/account')).statusCode, 200);
    web.advanceMinutes(29);
    assert.equal((await first.get('/account')).statusCode, 200, 'used 29 minutes ago');
    web.advanceMinutes(31);
    assert.match((await first.get('/account')).headers.location as string, /^\/sign-in/);
    await first.signIn('idle@nhs.net');
    assert.equal((await second.get('/account')).statusCode, 302, 'second was idle too');
    await second.signIn('idle@nhs.net');
    await first.get('/account');
    await first.post('/sign-out-everywhere');
    assert.match((await second.get('/account')).headers.location as string, /^\/sign-in/);
  });

  it('shows only the governance message until the data governance lead accepts the agreement', async () => {
    const [service] = await web.database.query<{ id: number }>(
      "INSERT INTO service (name) VALUES ('Waiting IPS') RETURNING id",
    );
    const serviceId = service?.id ?? 0;
    const [team] = await web.database.query<{ id: number }>(
      'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
      [serviceId, orgs.icsA, 'Waiting team'],
    );
    await createTestAccount(web.database, 'waiting-leader@nhs.net', [
      role('team-leader', { teamId: team?.id ?? 0 }),
    ]);
    await createTestAccount(web.database, 'waiting-dgl@nhs.net', [
      role('service-manager', { serviceId, dataGovernanceLead: 'yes' }),
    ]);
    const leader = web.browser();
    await leader.signIn('waiting-leader@nhs.net');
    for (const url of ['/', '/account', `/teams/${team?.id}`]) {
      const page = await leader.get(url);
      assert.equal(page.statusCode, 403, url);
      assert.equal(
        heading(page.body),
        'Your organisation has not yet accepted the data sharing agreement. Please contact your Data Governance Lead.',
      );
    }
    // Help and resources are for every role, and hold no service's data.
    for (const url of ['/help/guide', '/help/faqs', '/help/figures', '/report-a-problem']) {
      assert.equal((await leader.get(url)).statusCode, 200, url);
    }
    const report = await leader.post('/report-a-problem', {
      description: 'Who is our data governance lead?',
    });
    assert.equal(report.statusCode, 200, 'a problem can be reported while waiting');
    assert.equal(heading(report.body), 'Problem reported');
    const lead = web.browser();
    await lead.signIn('waiting-dgl@nhs.net');
    assert.equal((await lead.get('/')).headers.location, '/data-sharing-agreement');
    await lead.get('/data-sharing-agreement');
    const accepted = await lead.post('/data-sharing-agreement', {
      serviceId: String(serviceId),
      version: '1',
      accept: 'yes',
    });
    assert.equal(accepted.statusCode, 302);
    assert.equal((await leader.get(`/teams/${team?.id}`)).statusCode, 200);
    const audit = await web.database.query<{ action: string }>(
      "SELECT action FROM audit_event WHERE action LIKE 'accepted data sharing%'",
    );
    assert.equal(audit.length, 1);
  });

  it('takes a request for access through approval to a first sign-in', async () => {
    const visitor = web.browser();
    await visitor.get('/request-access');
    const incomplete = await visitor.post('/request-access', { name: 'Pat Jones' });
    assert.equal(incomplete.statusCode, 400);
    assert.match(incomplete.body, /href="#email"/);
    const sent = await visitor.post('/request-access', {
      name: 'Pat Jones',
      email: 'pat.jones@nhs.net',
      roleWanted: 'team-leader',
      organisations: 'Northshire IPS, North team',
      reason: 'I lead the team',
    });
    assert.equal(sent.headers.location, '/request-access/sent');

    await createTestAccount(web.database, 'admin@nhs.net', [role('administrator')]);
    const admin = web.browser();
    await admin.signIn('admin@nhs.net');
    const list = await admin.get('/admin/access-requests');
    const requestId = /\/admin\/access-requests\/(\d+)/.exec(list.body)?.[1];
    assert.ok(requestId, 'the request is listed');
    await admin.get(`/admin/access-requests/${requestId}`);
    const noTeam = await admin.post(`/admin/access-requests/${requestId}/approve`, {
      role: 'team-leader',
    });
    assert.equal(noTeam.statusCode, 400);
    assert.match(noTeam.body, /Select the team/);
    const approved = await admin.post(`/admin/access-requests/${requestId}/approve`, {
      role: 'team-leader',
      teamId: String(orgs.teamA1),
    });
    assert.match(approved.headers.location as string, /^\/admin\/accounts\/\d+/);

    const person = web.browser();
    const link = await outboxLink(web);
    await person.get(link);
    const short = await person.post(link, { newPassword: 'short', confirmPassword: 'short' });
    assert.match(short.body, /Password must be 12 characters or more/);
    const set = await person.post(link, {
      newPassword: 'a long new password',
      confirmPassword: 'a long new password',
    });
    assert.equal(set.headers.location, '/password-reset/done');
    assert.equal((await person.get(link)).statusCode, 404, 'a link works once');
    await person.signIn('pat.jones@nhs.net', 'a long new password');
    await person.get('/terms/accept');
    await person.post('/terms/accept', { version: '2', accept: 'yes' });
    assert.equal((await person.get(`/teams/${orgs.teamA1}`)).statusCode, 200);

    const audit = await admin.get('/admin/audit?text=approved');
    assert.match(audit.body, /approved access request/);
  });

  it('sets up a second factor and asks for it at sign-in', async () => {
    await createTestAccount(web.database, 'totp@nhs.net', []);
    const browser = web.browser();
    await browser.signIn('totp@nhs.net');
    const setUp = await browser.get('/account/two-factor');
    const secret = /name="secret" value="([A-Z2-7]{32})"/.exec(setUp.body)?.[1] ?? '';
    const now = web.services.clock().getTime();
    const wrong = await browser.post('/account/two-factor', { secret, code: '000000' });
    assert.equal(wrong.statusCode, 400);
    const on = await browser.post('/account/two-factor', {
      secret,
      code: totpCode(secret, timeStepAt(now)),
    });
    assert.equal(on.headers.location, '/account?done=two-factor-on');
    await browser.post('/sign-out');

    const again = web.browser();
    const password = await again.signIn('totp@nhs.net');
    assert.match(password.headers.location as string, /^\/sign-in\/second-factor/);
    assert.match(
      (await again.get('/account')).headers.location as string,
      /^\/sign-in\/second-factor/,
    );
    await again.get('/sign-in/second-factor');
    const replay = await again.post('/sign-in/second-factor', {
      code: totpCode(secret, timeStepAt(now)),
    });
    assert.equal(replay.statusCode, 400, 'the code used at set-up cannot be used again');
    web.advanceMinutes(1);
    const code = totpCode(secret, timeStepAt(web.services.clock().getTime()));
    const done = await again.post('/sign-in/second-factor', { code });
    assert.equal(done.statusCode, 302);
    assert.equal((await again.get('/account')).statusCode, 200);
  });

  it('creates an API token shown once, which acts as its owner until revoked', async () => {
    await createTestAccount(web.database, 'api@nhs.net', [
      role('commissioner', { serviceId: orgs.serviceA }),
    ]);
    const browser = web.browser();
    await browser.signIn('api@nhs.net');
    await browser.get('/account');
    const created = await browser.post('/account/api-tokens', { name: 'Case system' });
    const token = /data-testid="new-api-token">([^<]+)</.exec(created.body)?.[1] ?? '';
    assert.match(token, /^ips_/);
    assert.doesNotMatch((await browser.get('/account')).body, new RegExp(token), 'shown once');
    const me = await web.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.deepEqual(JSON.parse(me.body), {
      email: 'api@nhs.net',
      roleAssignments: [
        {
          role: 'commissioner',
          scopeType: 'service',
          scopeId: orgs.serviceA,
          scopeName: 'Northshire IPS',
          dataGovernanceLead: false,
          dataSharingAgreementAccepted: true,
        },
      ],
    });
    const [stored] = await web.database.query<{ tokenHash: string }>(
      'SELECT token_hash AS "tokenHash" FROM api_token WHERE name = $1',
      ['Case system'],
    );
    assert.notEqual(stored?.tokenHash, token, 'stored hashed');
    const tokenId = /\/account\/api-tokens\/(\d+)\/revoke/.exec(
      (await browser.get('/account')).body,
    )?.[1];
    await browser.post(`/account/api-tokens/${tokenId}/revoke`);
    const revoked = await web.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(revoked.statusCode, 401);
  });

  it('keeps passwords, tokens and reset links out of the log', async () => {
    await createTestAccount(web.database, 'private@nhs.net', []);
    const browser = web.browser();
    await browser.get('/sign-in');
    await browser.post('/sign-in', {
      email: 'private@nhs.net',
      password: 'my wrong secret password',
    });
    await browser.signIn('private@nhs.net');
    await browser.post('/sign-out');
    await browser.get('/password-reset');
    await browser.post('/password-reset', { email: 'private@nhs.net' });
    const link = await outboxLink(web);
    const resetToken = link.split('/').at(-1) ?? '';
    await browser.get(link);
    await browser.post(link, {
      newPassword: 'another long password',
      confirmPassword: 'another long password',
    });
    await web.app.inject({
      url: '/api/v1/me',
      headers: { authorization: 'Bearer ips_secretbearervalue' },
    });
    const log = web.logLines.join('');
    assert.match(log, /password-reset\/\[secret\]/, 'the reset was logged, without its secret');
    for (const secret of [
      TEST_PASSWORD,
      'my wrong secret password',
      'another long password',
      resetToken,
      'ips_secretbearervalue',
      'private@nhs.net',
    ]) {
      assert.equal(log.includes(secret), false, `log holds ${secret}`);
    }
    const sessionCookie = web.logLines.some((line) => /ips_session=|ips_csrf=/.test(line));
    assert.equal(sessionCookie, false, 'no cookies in the log');
  });
});
