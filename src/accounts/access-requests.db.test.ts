import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  openSeededDatabase,
  role,
  type seedOrganisations,
} from '../../test/support/test-web.ts';
import { readConfig } from '../config/config.ts';
import type { Database } from '../database/database.ts';
import type { Email } from '../mail/mailer.ts';
import { sendDueEmail } from '../mail/outbox.ts';
import { OutboxBell } from '../mail/outbox-bell.ts';
import {
  approveAccessRequest,
  countPendingAccessRequests,
  findAccessRequest,
  submitAccessRequest,
} from './access-requests.ts';
import { findAccountByEmail } from './accounts.ts';
import { accountOfResetLink } from './password-reset.ts';

const configRead = readConfig({});
if (!configRead.ok) throw new Error(configRead.problems.join('; '));
const config = configRead.config;

for (const testDatabase of testDatabases()) {
  describe(`requests for access (${testDatabase.driver})`, () => {
    let database: Database;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let admin: number;
    const sent: Email[] = [];
    const now = new Date('2026-06-01T10:00:00Z');
    const context = () => ({
      database,
      clock: () => now,
      config,
      mailer: { send: async (email: Email) => void sent.push(email) },
      outboxBell: new OutboxBell(),
      logger: { warn: () => {} },
    });
    const queued = async () =>
      (
        await database.query<{ queued: number }>('SELECT count(*)::int AS queued FROM email_outbox')
      )[0]?.queued;
    const submit = async (email: string) => {
      const id = await submitAccessRequest(context(), {
        name: 'Sam Person',
        email,
        roleWanted: 'team-leader',
        organisations: 'North team',
        reason: 'I lead it',
      });
      const found = await findAccessRequest(database, id);
      if (found === null) throw new Error('request not stored');
      return found;
    };

    before(async () => {
      ({ database, orgs, admin } = await openSeededDatabase(testDatabase));
    });
    after(() => database.close());

    it('approves a newcomer: a new account with the role, and a link to set a password', async () => {
      const request = await submit('new.person@nhs.net');
      assert.equal(await countPendingAccessRequests(database), 1);
      const assignment = role('team-leader', { teamId: orgs.teamA1 });
      const approved = await approveAccessRequest(context(), request, assignment, admin);
      const account = await findAccountByEmail(database, 'new.person@nhs.net');
      assert.deepEqual(approved, { accountId: account?.id });
      assert.equal((await findAccessRequest(database, request.id))?.status, 'approved');
      assert.equal(await countPendingAccessRequests(database), 0);
      assert.equal(sent.length, 0, 'queued, not sent by the approval');
      assert.equal(await queued(), 1);
      await sendDueEmail(context());
      assert.equal(await queued(), 0, 'gone once sent');
      assert.equal(sent.length, 1);
      assert.equal(sent[0]?.to, 'new.person@nhs.net');
      assert.equal(sent[0]?.subject, 'Your IPS Reporting access has been approved');
      const token = /\/password-reset\/([A-Za-z0-9_-]{43})$/.exec(sent[0]?.text ?? '')?.[1] ?? '';
      const linkedAccount = await accountOfResetLink(
        { database, clock: () => new Date(now.getTime() + 6 * 24 * 60 * 60_000) },
        token,
      );
      assert.equal(linkedAccount?.id, account?.id, 'the link works for its week');
    });

    it('gives someone who already has a password the role, and no email', async () => {
      sent.length = 0;
      await createTestAccount(database, 'existing@nhs.net', []);
      const request = await submit('Existing@nhs.net');
      const assignment = role('service-manager', { serviceId: orgs.serviceA });
      assert.ok(await approveAccessRequest(context(), request, assignment, admin));
      assert.equal(await queued(), 0);
    });

    it('leaves the request pending when the organisation chosen no longer exists', async () => {
      sent.length = 0;
      const request = await submit('too.late@nhs.net');
      const assignment = role('team-leader', { teamId: 999_999 });
      assert.equal(await approveAccessRequest(context(), request, assignment, admin), null);
      assert.equal((await findAccessRequest(database, request.id))?.status, 'pending');
      assert.equal(await queued(), 0);
    });
  });
}
