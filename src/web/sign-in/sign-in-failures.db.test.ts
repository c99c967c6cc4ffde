import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  startTestWeb,
  TEST_PASSWORD,
  type TestBrowser,
  type TestWeb,
} from '../../../test/support/test-web.ts';
import { attemptSignIn } from '../../accounts/accounts.ts';
import { ACCOUNT_FAILURE_CEILING } from '../../security/sign-in-failures.ts';

/** A refusal as anyone would compare it: the per-response CSRF token and nonce taken out. */
const comparable = (response: { statusCode: number; body: string }, email: string) => ({
  status: response.statusCode,
  body: response.body
    .replace(/name="_csrf" value="[^"]+"/g, 'name="_csrf" value=""')
    .replace(/nonce="[^"]+"/g, 'nonce=""')
    .replaceAll(email, 'EMAIL'),
});

for (const testDatabase of testDatabases()) {
  describe(`failed sign-ins on ${testDatabase.driver}`, () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb(testDatabase);
    });
    after(() => web.close());

    const tryPassword = async (browser: TestBrowser, email: string, password: string) => {
      await browser.get('/sign-in');
      return browser.post('/sign-in', { email, password });
    };

    it('makes an address that keeps failing wait, while the owner signs in from theirs', async () => {
      await createTestAccount(web.database, 'owner@nhs.net', []);
      const attacker = web.browser();
      for (let guess = 1; guess <= 8; guess++) {
        assert.equal(
          (await tryPassword(attacker, 'owner@nhs.net', `guess ${guess}`)).statusCode,
          400,
        );
      }
      const rightButWaiting = await tryPassword(attacker, 'owner@nhs.net', TEST_PASSWORD);
      assert.equal(rightButWaiting.statusCode, 400, 'the attacker’s address must wait');
      const owner = web.browser();
      const signedIn = await tryPassword(owner, 'owner@nhs.net', TEST_PASSWORD);
      assert.equal(signedIn.statusCode, 302, 'the owner is not locked out');
      // Waits grow and end: after 8 failures, 8 minutes; then the attacker's address may try again.
      web.advanceMinutes(9);
      assert.equal((await tryPassword(attacker, 'owner@nhs.net', TEST_PASSWORD)).statusCode, 302);
    });

    it('gives an unknown email, a wrong password and a wait the same answer', async () => {
      await createTestAccount(web.database, 'known@nhs.net', []);
      const browser = web.browser();
      const unknown = await tryPassword(browser, 'unknown@nhs.net', 'a wrong password');
      const wrong = await tryPassword(browser, 'known@nhs.net', 'a wrong password');
      for (let guess = 0; guess < 4; guess++) {
        await tryPassword(browser, 'known@nhs.net', 'a wrong password');
      }
      const waiting = await tryPassword(browser, 'known@nhs.net', TEST_PASSWORD);
      assert.equal(unknown.statusCode, 400);
      assert.match(unknown.body, /Enter a correct email address and password/);
      assert.deepEqual(comparable(wrong, 'known@nhs.net'), comparable(unknown, 'unknown@nhs.net'));
      assert.deepEqual(
        comparable(waiting, 'known@nhs.net'),
        comparable(unknown, 'unknown@nhs.net'),
      );
      const reasons = web.logLines
        .filter((line) => line.includes('sign-in-refused'))
        .map((line) => JSON.parse(line).reason);
      assert.ok(reasons.includes('waiting'), 'the log, not the page, says it was a wait');
    });

    it('slows guessing spread over many addresses, but not an address that has not failed', async () => {
      await createTestAccount(web.database, 'spread@nhs.net', []);
      const attempt = (address: string, password: string) =>
        attemptSignIn(
          web.database,
          { email: 'spread@nhs.net', password, address },
          web.services.clock(),
        );
      // Four guesses from each of many addresses: none alone has to wait.
      for (let failure = 0; failure < ACCOUNT_FAILURE_CEILING; failure++) {
        const outcome = await attempt(`192.0.2.${Math.floor(failure / 4)}`, 'guess');
        assert.equal(outcome.kind, 'wrong-email-or-password');
      }
      assert.equal((await attempt('192.0.2.200', 'guess')).kind, 'wrong-email-or-password');
      assert.equal(
        (await attempt('192.0.2.200', TEST_PASSWORD)).kind,
        'waiting',
        'past the ceiling, one failure is enough to wait',
      );
      assert.equal((await attempt('198.51.100.7', TEST_PASSWORD)).kind, 'signed-in');
    });

    it('shows an administrator the failures, who can clear them', async () => {
      const accountId = await createTestAccount(web.database, 'cleared@nhs.net', []);
      await createTestAccount(web.database, 'admin@nhs.net', [role('administrator')]);
      const attacker = web.browser();
      for (let guess = 0; guess < 6; guess++) {
        await tryPassword(attacker, 'cleared@nhs.net', 'a wrong password');
      }
      const admin = web.browser();
      await admin.signIn('admin@nhs.net');
      const page = await admin.get(`/admin/accounts/${accountId}`);
      // The sixth came while the address waited: refused unchecked, so not counted.
      assert.match(page.body, /5 in the last 24 hours/);
      assert.equal((await admin.post(`/admin/accounts/${accountId}/unlock`)).statusCode, 302);
      assert.match(
        (await admin.get(`/admin/accounts/${accountId}`)).body,
        /None in the last 24 hours/,
      );
      assert.equal((await tryPassword(attacker, 'cleared@nhs.net', TEST_PASSWORD)).statusCode, 302);
    });

    it('starts every count again when the password is reset', async () => {
      await createTestAccount(web.database, 'resets@nhs.net', []);
      const browser = web.browser();
      for (let guess = 0; guess < 6; guess++) {
        await tryPassword(browser, 'resets@nhs.net', 'a wrong password');
      }
      await browser.get('/password-reset');
      await browser.post('/password-reset', { email: 'resets@nhs.net' });
      await web.sendEmail();
      const link = /http:\/\/localhost:3000(\/password-reset\/[A-Za-z0-9_-]+)/.exec(
        web.outbox.at(-1) ?? '',
      )?.[1];
      assert.ok(link);
      await browser.get(link);
      const newPassword = 'a brand new long password';
      const reset = await browser.post(link, { newPassword, confirmPassword: newPassword });
      assert.equal(reset.statusCode, 302, reset.body);
      assert.equal((await tryPassword(browser, 'resets@nhs.net', newPassword)).statusCode, 302);
    });
  });
}
