import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import { createTestAccount } from '../../test/support/test-web.ts';
import type { Database } from '../database/database.ts';
import { applyMigrations } from '../database/migrations.ts';
import { readMigrations } from '../database/open-database.ts';
import { checkSecondFactor, setUpSecondFactor } from './second-factor.ts';
import { generateTotpSecret, timeStepAt, totpCode } from './totp.ts';

for (const testDatabase of testDatabases()) {
  describe(`the second factor (${testDatabase.driver})`, () => {
    let database: Database;
    let now = new Date('2026-06-01T10:00:00Z');
    const context = () => ({ database, clock: () => now });
    const codeNow = (secret: string) => totpCode(secret, timeStepAt(now.getTime()));

    before(async () => {
      database = await testDatabase.open();
      await applyMigrations(database, readMigrations());
    });
    after(() => database.close());

    it('is kept only with the code the app shows for it now', async () => {
      const accountId = await createTestAccount(database, 'set-up@nhs.net', []);
      const secret = generateTotpSecret();
      const wrong = codeNow(secret) === '000000' ? '111111' : '000000';
      assert.equal(await setUpSecondFactor(context(), accountId, { secret, code: wrong }), false);
      assert.equal(await checkSecondFactor(context(), accountId, codeNow(secret)), false);
      assert.equal(
        await setUpSecondFactor(context(), accountId, { secret, code: codeNow(secret) }),
        true,
      );
      const audit = await database.query(
        "SELECT 1 FROM audit_event WHERE action = 'set up second factor' AND subject = $1",
        [`account ${accountId}`],
      );
      assert.equal(audit.length, 1);
    });

    it('takes each code once at sign-in: the one used to set it up, or at sign-in, fails again', async () => {
      const accountId = await createTestAccount(database, 'sign-in@nhs.net', []);
      const secret = generateTotpSecret();
      await setUpSecondFactor(context(), accountId, { secret, code: codeNow(secret) });
      assert.equal(await checkSecondFactor(context(), accountId, codeNow(secret)), false);
      now = new Date(now.getTime() + 60_000);
      assert.equal(await checkSecondFactor(context(), accountId, codeNow(secret)), true);
      assert.equal(await checkSecondFactor(context(), accountId, codeNow(secret)), false);
    });
  });
}
