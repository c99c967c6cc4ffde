import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  openSeededDatabase,
  role,
  type seedOrganisations,
} from '../../test/support/test-web.ts';
import type { Database } from '../database/database.ts';
import { addRoleToAccount, applyAccountAction, transferRoles } from './account-administration.ts';
import { startSession } from './sessions.ts';

for (const testDatabase of testDatabases()) {
  describe(`administering accounts (${testDatabase.driver})`, () => {
    let database: Database;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let admin: number;
    const now = new Date('2026-06-01T10:00:00Z');
    const context = () => ({ database, clock: () => now });
    const rolesOf = (accountId: number) =>
      database.query<{ role: string }>(
        'SELECT role FROM role_assignment WHERE account_id = $1 ORDER BY id',
        [accountId],
      );

    before(async () => {
      ({ database, orgs, admin } = await openSeededDatabase(testDatabase));
    });
    after(() => database.close());

    it('moves every role to another existing account and signs out the one who left', async () => {
      const leaver = await createTestAccount(database, 'leaver@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
        role('service-manager', { serviceId: orgs.serviceA }),
      ]);
      const successor = await createTestAccount(database, 'successor@nhs.net', []);
      await startSession(database, { accountId: leaver, secondFactorPending: false }, now);
      const change = { fromAccountId: leaver, actorAccountId: admin };

      assert.deepEqual(await transferRoles(context(), { ...change, toEmail: 'nobody@nhs.net' }), {
        kind: 'no-such-account',
      });
      assert.deepEqual(await transferRoles(context(), { ...change, toEmail: ' LEAVER@nhs.net ' }), {
        kind: 'same-account',
      });
      assert.equal((await rolesOf(leaver)).length, 2, 'a refused transfer moves nothing');

      assert.deepEqual(
        await transferRoles(context(), { ...change, toEmail: 'Successor@NHS.net' }),
        { kind: 'transferred', moved: 2 },
      );
      assert.deepEqual(await rolesOf(leaver), []);
      assert.deepEqual(
        (await rolesOf(successor)).map((row) => row.role),
        ['team-leader', 'service-manager'],
      );
      const sessions = await database.query('SELECT 1 FROM session WHERE account_id = $1', [
        leaver,
      ]);
      assert.equal(sessions.length, 0);
      const [audit] = await database.query<{ detail: string }>(
        "SELECT detail FROM audit_event WHERE action = 'transferred roles'",
      );
      assert.equal(audit?.detail, `2 role assignments to account ${successor} (successor@nhs.net)`);
    });

    it('adds a role only to an account that exists, in an organisation that exists', async () => {
      const person = await createTestAccount(database, 'person@nhs.net', []);
      const change = { actorAccountId: admin };
      assert.equal(
        await addRoleToAccount(context(), {
          ...change,
          accountId: 999_999,
          assignment: role('team-leader', { teamId: orgs.teamA1 }),
        }),
        'no-such-account',
      );
      assert.equal(
        await addRoleToAccount(context(), {
          ...change,
          accountId: person,
          assignment: role('team-leader', { teamId: 999_999 }),
        }),
        'organisation-gone',
      );
      assert.equal(
        await addRoleToAccount(context(), {
          ...change,
          accountId: person,
          assignment: role('team-leader', { teamId: orgs.teamA1 }),
        }),
        'added',
      );
      assert.deepEqual(await rolesOf(person), [{ role: 'team-leader' }]);
    });

    it('removes a second factor, and refuses an account that does not exist', async () => {
      const person = await createTestAccount(database, 'two-factor@nhs.net', []);
      await database.query(
        "UPDATE account SET totp_secret = 'A', totp_last_step = 1 WHERE id = $1",
        [person],
      );
      const action = 'remove-two-factor' as const;
      assert.equal(
        await applyAccountAction(context(), { accountId: 999_999, action, actorAccountId: admin }),
        false,
      );
      assert.equal(
        await applyAccountAction(context(), { accountId: person, action, actorAccountId: admin }),
        true,
      );
      const [account] = await database.query<{ secret: string | null; step: number | null }>(
        'SELECT totp_secret AS secret, totp_last_step AS step FROM account WHERE id = $1',
        [person],
      );
      assert.deepEqual(account, { secret: null, step: null });
    });
  });
}
