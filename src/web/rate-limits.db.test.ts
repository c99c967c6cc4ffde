import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import { startTestWeb, type TestWeb } from '../../test/support/test-web.ts';
import { RATE_LIMITS } from './security.ts';

for (const testDatabase of testDatabases()) {
  describe(`rate limits on ${testDatabase.driver}`, () => {
    let web: TestWeb;
    before(async () => {
      web = await startTestWeb(testDatabase);
    });
    after(() => web.close());

    it('counts each limited route on its own: one used up leaves the others open', async () => {
      const browser = web.browser();
      const apiCall = () =>
        web.app.inject({ url: '/api/v1/me', remoteAddress: browser.remoteAddress });
      // More API calls from one address than password reset allows it.
      for (let call = 0; call <= RATE_LIMITS.passwordReset.max; call++) {
        assert.equal((await apiCall()).statusCode, 401);
      }
      await browser.get('/password-reset');
      const resets: number[] = [];
      for (let attempt = 0; attempt <= RATE_LIMITS.passwordReset.max; attempt++) {
        resets.push(
          (await browser.post('/password-reset', { email: 'someone@nhs.net' })).statusCode,
        );
      }
      assert.deepEqual(resets, [...Array(RATE_LIMITS.passwordReset.max).fill(302), 429]);
      // Password reset used up: asking for access (the same limit, another route) still answers.
      await browser.get('/request-access');
      assert.notEqual((await browser.post('/request-access', {})).statusCode, 429);
      assert.equal((await apiCall()).statusCode, 401, 'the API keeps its own count');
    });
  });
}
