import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestWeb,
} from '../../../test/support/test-web.ts';

for (const testDatabase of testDatabases()) {
  describe(`API tokens on ${testDatabase.driver}`, () => {
    let web: TestWeb;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let people = 0;

    before(async () => {
      web = await startTestWeb(testDatabase);
      orgs = await seedOrganisations(web.database);
      await createTestAccount(web.database, 'admin@nhs.net', [role('administrator')]);
    });
    after(() => web.close());

    /** A team leader signed in who has made a token on their account page. */
    async function leaderWithToken() {
      const email = `leader${++people}@nhs.net`;
      const accountId = await createTestAccount(web.database, email, [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      const browser = web.browser();
      await browser.signIn(email);
      await browser.get('/account');
      const page = await browser.post('/account/api-tokens', { name: 'Case system' });
      const token = /data-testid="new-api-token">([^<]+)</.exec(page.body)?.[1] ?? '';
      assert.match(token, /^ips_/);
      return { email, accountId, browser, token };
    }
    /** Signed in afresh: tests move the clock past a session's idle time. */
    async function administrator() {
      const admin = web.browser();
      await admin.signIn('admin@nhs.net');
      return admin;
    }
    const callApi = (token: string) =>
      web.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } });

    it('keeps only a hash of each token, and shows its expiry and last use', async () => {
      const { accountId, browser, token } = await leaderWithToken();
      assert.equal((await callApi(token)).statusCode, 200);
      const stored = await web.database.query<{ tokenHash: string }>(
        'SELECT token_hash AS "tokenHash" FROM api_token WHERE account_id = $1',
        [accountId],
      );
      assert.equal(stored.length, 1);
      assert.notEqual(stored[0]?.tokenHash, token);
      assert.ok(!JSON.stringify(stored).includes(token.slice(4)));
      const page = (await browser.get('/account')).body;
      assert.match(page, />Expires</);
      // Made on 1 June 2026 for 90 days, used at once.
      assert.match(page, /30 August 2026/);
      assert.doesNotMatch(page, />Never</);
    });

    it('refuses an expired token with a clear JSON error', async () => {
      const { token } = await leaderWithToken();
      web.advanceMinutes(91 * 24 * 60);
      const expired = await callApi(token);
      assert.equal(expired.statusCode, 401);
      assert.match(expired.headers['content-type'] as string, /application\/json/);
      assert.deepEqual(expired.json(), {
        error: 'This API token expired on 2026-08-30: make a new one on your account page',
      });
    });

    it('revokes every token when the password is reset', async () => {
      const { email, token } = await leaderWithToken();
      const browser = web.browser();
      await browser.get('/password-reset');
      await browser.post('/password-reset', { email });
      await web.sendEmail();
      const link = /http:\/\/localhost:3000(\/password-reset\/[A-Za-z0-9_-]+)/.exec(
        web.outbox.at(-1) ?? '',
      )?.[1];
      assert.ok(link);
      await browser.get(link);
      const newPassword = 'another long new password';
      const reset = await browser.post(link, { newPassword, confirmPassword: newPassword });
      assert.equal(reset.statusCode, 302);
      assert.equal((await callApi(token)).statusCode, 401);
    });

    it('revokes every token when the person signs out everywhere', async () => {
      const { browser, token } = await leaderWithToken();
      assert.equal((await callApi(token)).statusCode, 200);
      await browser.get('/account');
      assert.equal((await browser.post('/sign-out-everywhere')).statusCode, 302);
      assert.equal((await callApi(token)).statusCode, 401);
    });

    it('revokes every token when an administrator signs the account out everywhere', async () => {
      const { accountId, token } = await leaderWithToken();
      const admin = await administrator();
      await admin.get(`/admin/accounts/${accountId}`);
      const done = await admin.post(`/admin/accounts/${accountId}/sign-out-everywhere`);
      assert.equal(done.statusCode, 302);
      assert.equal((await callApi(token)).statusCode, 401);
    });

    it('revokes every token when the account loses a role, or its roles move to another', async () => {
      const removed = await leaderWithToken();
      const admin = await administrator();
      const [assignment] = await web.database.query<{ id: number }>(
        'SELECT id FROM role_assignment WHERE account_id = $1',
        [removed.accountId],
      );
      await admin.get(`/admin/accounts/${removed.accountId}`);
      const done = await admin.post(
        `/admin/accounts/${removed.accountId}/roles/${assignment?.id}/remove`,
      );
      assert.equal(done.statusCode, 302);
      assert.equal((await callApi(removed.token)).statusCode, 401);

      const leaving = await leaderWithToken();
      const successor = await leaderWithToken();
      await admin.get(`/admin/accounts/${leaving.accountId}`);
      const moved = await admin.post(`/admin/accounts/${leaving.accountId}/transfer`, {
        toEmail: successor.email,
      });
      assert.equal(moved.statusCode, 302, moved.body);
      assert.equal((await callApi(leaving.token)).statusCode, 401);
      assert.equal((await callApi(successor.token)).statusCode, 200, 'the successor’s stays');
    });
  });
}
