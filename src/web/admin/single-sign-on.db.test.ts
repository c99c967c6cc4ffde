import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  startTestWeb,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';

const REQUIRED = /Your organisation signs in to IPS Reporting with single sign-on/;
/** The field's error message, as a screen reader hears it after "Error:". */
const errorText = (body: string) => /Error: <\/span>([^<]*)</.exec(body)?.[1]?.trim();

for (const testDatabase of testDatabases()) {
  describe(`email domains that sign in with single sign-on (${testDatabase.driver})`, () => {
    let web: TestWeb;
    let admin: TestBrowser;

    before(async () => {
      web = await startTestWeb(testDatabase, {
        // Never reached here: requiring single sign-on needs a provider set up, not discovered.
        IPS_OIDC_CIS2_ISSUER: 'http://127.0.0.1:9',
        IPS_OIDC_CIS2_CLIENT_ID: 'ips-reporting',
        IPS_OIDC_CIS2_CLIENT_SECRET: 'secret',
      });
      await createTestAccount(web.database, 'admin@example.org', [role('administrator')]);
      await createTestAccount(web.database, 'member@nhs.net', [role('national-lead')]);
      await createTestAccount(web.database, 'other@leeds.nhs.uk', [role('national-lead')]);
      admin = web.browser();
      await admin.signIn('admin@example.org');
    });
    after(() => web.close());

    it('lets an administrator add a domain, refusing a malformed or repeated one', async () => {
      const before = await admin.get('/admin/single-sign-on');
      assert.match(
        before.body,
        /single sign-on signs in only accounts whose email address is in one of these domains/,
      );
      assert.match(
        before.body,
        /password sign-in and password reset are refused for every address in them/,
      );
      const malformed = await admin.post('/admin/single-sign-on', { domain: 'nhs' });
      assert.equal(malformed.statusCode, 400);
      assert.equal(
        errorText(malformed.body),
        'Enter an email domain in the correct format, like nhs.net',
      );
      const added = await admin.post('/admin/single-sign-on', { domain: ' @NHS.net ' });
      assert.equal(added.headers.location, '/admin/single-sign-on?done=added');
      const again = await admin.post('/admin/single-sign-on', { domain: 'nhs.net' });
      assert.equal(again.statusCode, 400);
      assert.match(again.body, /nhs\.net already signs in with single sign-on/);
      const page = await admin.get('/admin/single-sign-on');
      assert.match(page.body, /<td class="nhsuk-table__cell">nhs\.net<\/td>/);
      assert.match(page.body, /by admin@example\.org/);
      const audit = await web.database.query<{ subject: string }>(
        "SELECT subject FROM audit_event WHERE action = 'required single sign-on'",
      );
      assert.deepEqual(audit, [{ subject: 'email domain nhs.net' }]);
    });

    it('refuses password sign-in and reset in that domain alike whether or not the account exists', async () => {
      const answers = [];
      for (const email of ['member@nhs.net', 'MEMBER@nhs.net', 'nobody@nhs.net']) {
        const browser = web.browser();
        await browser.get('/sign-in');
        const signIn = await browser.post('/sign-in', {
          email,
          password: 'correct horse battery staple',
        });
        assert.equal(signIn.statusCode, 400, email);
        assert.match(signIn.body, REQUIRED);
        assert.match(signIn.body, /Sign in with NHS Care Identity Service 2/);
        answers.push(errorText(signIn.body));
        await browser.get('/password-reset');
        const reset = await browser.post('/password-reset', { email });
        assert.equal(reset.statusCode, 400, email);
        assert.match(reset.body, REQUIRED);
      }
      assert.equal(new Set(answers).size, 1, 'the same answer for every address in the domain');
      await web.sendEmail();
      assert.equal(web.outbox.length, 0, 'no reset link is sent');

      const other = web.browser();
      assert.equal(
        (await other.signIn('other@leeds.nhs.uk')).statusCode,
        302,
        'another domain signs in',
      );
      await other.get('/password-reset');
      assert.equal(
        (await other.post('/password-reset', { email: 'other@leeds.nhs.uk' })).headers.location,
        '/password-reset/sent',
      );
    });

    it('lets passwords back in when the domain is removed', async () => {
      await admin.get('/admin/single-sign-on');
      const removed = await admin.post('/admin/single-sign-on/remove', { domain: 'nhs.net' });
      assert.equal(removed.headers.location, '/admin/single-sign-on?done=removed');
      assert.doesNotMatch(
        (await admin.get('/admin/single-sign-on')).body,
        /nhsuk-table__cell">nhs\.net/,
      );
      assert.equal((await web.browser().signIn('member@nhs.net')).statusCode, 302);
      const audit = await web.database.query(
        "SELECT 1 FROM audit_event WHERE action = 'stopped requiring single sign-on'",
      );
      assert.equal(audit.length, 1);
    });

    it('cannot be required while no provider is set up, which would lock the domain out', async () => {
      const bare = await startTestWeb(testDatabase);
      try {
        await createTestAccount(bare.database, 'admin@example.org', [role('administrator')]);
        const browser = bare.browser();
        await browser.signIn('admin@example.org');
        await browser.get('/admin/single-sign-on');
        const refused = await browser.post('/admin/single-sign-on', { domain: 'nhs.net' });
        assert.equal(refused.statusCode, 400);
        assert.match(refused.body, /cannot sign in with single sign-on until a provider is set up/);
        assert.equal((await bare.database.query('SELECT 1 FROM single_sign_on_domain')).length, 0);
        assert.doesNotMatch((await browser.get('/sign-in')).body, /Sign in with/);
      } finally {
        await bare.close();
      }
    });
  });
}
