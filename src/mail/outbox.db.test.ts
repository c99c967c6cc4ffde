import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import { createTestAccount } from '../../test/support/test-web.ts';
import { createAccount } from '../accounts/accounts.ts';
import { accountOfResetLink, requestPasswordReset } from '../accounts/password-reset.ts';
import { readConfig } from '../config/config.ts';
import type { Database, Queryable } from '../database/database.ts';
import { applyMigrations } from '../database/migrations.ts';
import { readMigrations } from '../database/open-database.ts';
import type { Email, Mailer } from './mailer.ts';
import {
  type EmailSending,
  keepSendingEmail,
  queueAccountSetUpEmail,
  queuePasswordResetEmail,
  retryDelayMinutes,
  sendDueEmail,
} from './outbox.ts';
import { OutboxBell } from './outbox-bell.ts';

const configWith = (environment: Record<string, string>) => {
  const read = readConfig(environment);
  if (!read.ok) throw new Error(read.problems.join('; '));
  return read.config;
};

/** An SMTP refusal as nodemailer reports one: its message names the address. */
const refusal = (email: Email) =>
  Object.assign(new Error(`Can't send mail to ${email.to}`), { code: 'EENVELOPE' });

const MINUTE = 60_000;
const tokenIn = (email: Email | undefined) =>
  /\/password-reset\/([A-Za-z0-9_-]{43})$/m.exec(email?.text ?? '')?.[1] ?? '';

describe('retryDelayMinutes', () => {
  it('doubles from a minute, at most an hour', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 20].map(retryDelayMinutes),
      [1, 2, 4, 8, 16, 32, 60, 60, 60],
    );
  });
});

for (const testDatabase of testDatabases()) {
  describe(`the email outbox (${testDatabase.driver})`, () => {
    let database: Database;
    let known: number;
    let now: number;
    let sent: Array<{ email: Email; at: number }>;
    let warnings: Array<{ details: object; message: string }>;
    /** Sends, or fails for the first `failures` emails. */
    let failures: number;
    const mailer: Mailer = {
      async send(email) {
        if (failures > 0) {
          failures--;
          throw refusal(email);
        }
        sent.push({ email, at: now });
      },
    };
    const context = (environment: Record<string, string> = {}): EmailSending => ({
      database,
      clock: () => new Date(now),
      mailer,
      config: configWith(environment),
      logger: { warn: (details, message) => void warnings.push({ details, message }) },
    });
    const outboxRows = () =>
      database.query<{ attempts: number; lastError: string | null; nextAttemptAt: Date }>(
        `SELECT attempts, last_error AS "lastError", next_attempt_at AS "nextAttemptAt"
           FROM email_outbox ORDER BY id`,
      );

    before(async () => {
      database = await testDatabase.open();
      await applyMigrations(database, readMigrations());
      known = await createTestAccount(database, 'known@nhs.net', []);
    });
    after(() => database.close());
    beforeEach(async () => {
      await database.query('DELETE FROM email_outbox');
      now = new Date('2026-06-01T09:00:00Z').getTime();
      sent = [];
      warnings = [];
      failures = 0;
    });

    it('retries a failed email 1 then 2 minutes later, sends it on the third attempt and forgets it', async () => {
      failures = 2;
      const start = now;
      await queuePasswordResetEmail(database, new Date(now), 'Known@nhs.net');
      await sendDueEmail(context());
      const [afterFirst] = await outboxRows();
      assert.equal(afterFirst?.attempts, 1);
      assert.equal(afterFirst?.lastError, 'Error EENVELOPE', 'the class and code, no address');
      assert.equal(afterFirst?.nextAttemptAt.getTime(), start + MINUTE);

      now = start + MINUTE - 1000;
      await sendDueEmail(context());
      assert.equal((await outboxRows())[0]?.attempts, 1, 'not tried before its minute');
      now = start + MINUTE;
      await sendDueEmail(context());
      const [afterSecond] = await outboxRows();
      assert.equal(afterSecond?.attempts, 2);
      assert.equal(afterSecond?.nextAttemptAt.getTime(), start + 3 * MINUTE);
      now = start + 3 * MINUTE - 1000;
      await sendDueEmail(context());
      assert.equal(sent.length, 0);

      now = start + 3 * MINUTE;
      await sendDueEmail(context());
      assert.deepEqual(
        sent.map(({ email, at }) => ({ to: email.to, at })),
        [{ to: 'known@nhs.net', at: start + 3 * MINUTE }],
      );
      assert.deepEqual(await outboxRows(), [], 'the row is gone once sent');
      assert.equal(warnings.length, 2);
      assert.doesNotMatch(JSON.stringify(warnings), /known@nhs\.net/i, 'no address logged');
      // The link is made when sent, so it works for its hour from then.
      const account = await accountOfResetLink(
        { database, clock: () => new Date(now + 59 * MINUTE) },
        tokenIn(sent[0]?.email),
      );
      assert.equal(account?.id, known);
    });

    it('gives up after the configured attempts, deleting the row and warning without the address', async () => {
      failures = Number.POSITIVE_INFINITY;
      await queuePasswordResetEmail(database, new Date(now), 'known@nhs.net');
      const [row] = await database.query<{ id: number }>('SELECT id FROM email_outbox');
      for (let round = 0; round < 6; round++) {
        await sendDueEmail(context({ IPS_EMAIL_ATTEMPTS: '3' }));
        now += 60 * MINUTE;
      }
      assert.deepEqual(await outboxRows(), []);
      assert.equal(warnings.length, 3, 'two retries, then the giving up');
      assert.deepEqual(warnings.at(-1)?.details, {
        event: 'email-given-up',
        outboxId: row?.id,
        kind: 'password-reset',
        failure: 'Error EENVELOPE',
      });
      assert.doesNotMatch(JSON.stringify(warnings), /known@nhs\.net/i);
    });

    it('drops a reset for an address with no account, sending nothing and making no link', async () => {
      const links = async () =>
        (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM one_time_link'))[0]?.n;
      const linksBefore = await links();
      await queuePasswordResetEmail(database, new Date(now), 'nobody@nhs.net');
      await sendDueEmail(context());
      assert.deepEqual(sent, []);
      assert.deepEqual(await outboxRows(), []);
      assert.equal(await links(), linksBefore);
      assert.deepEqual(warnings, []);
    });

    it('sends an approved account its set-up link, unless it has set a password meanwhile', async () => {
      const newcomer = await createAccount(database, { email: 'new@nhs.net', name: 'Robin New' });
      await queueAccountSetUpEmail(database, new Date(now), newcomer);
      await sendDueEmail(context());
      assert.equal(sent[0]?.email.to, 'new@nhs.net');
      assert.match(sent[0]?.email.text ?? '', /^Hello Robin New,/);
      const account = await accountOfResetLink(
        { database, clock: () => new Date(now + 6 * 24 * 60 * MINUTE) },
        tokenIn(sent[0]?.email),
      );
      assert.equal(account?.id, newcomer, 'the link works for its week');

      await queueAccountSetUpEmail(database, new Date(now), known);
      await sendDueEmail(context());
      assert.equal(sent.length, 1, 'nothing for an account with a password');
      assert.deepEqual(await outboxRows(), []);
    });

    it('asks for a reset the same way whether or not an account has the address, without the mailer', async () => {
      const statementsFor = async (email: string) => {
        const statements: string[] = [];
        const recording: Queryable = {
          query: (sql, parameters) => {
            statements.push(sql);
            return database.query(sql, parameters);
          },
          runScript: (sql) => database.runScript(sql),
        };
        let rings = 0;
        const bell = new OutboxBell();
        bell.listen(() => rings++);
        const requestContext = {
          database: { ...database, ...recording },
          clock: () => new Date(now),
          outboxBell: bell,
          mailer,
        };
        await requestPasswordReset(requestContext, email);
        return { statements, rings };
      };
      const forAccount = await statementsFor('known@nhs.net');
      const forNobody = await statementsFor('nobody@nhs.net');
      assert.deepEqual(forAccount, forNobody);
      assert.equal(forAccount.statements.length, 1);
      assert.match(forAccount.statements[0] ?? '', /^INSERT INTO email_outbox/);
      assert.equal(forAccount.rings, 1, 'the sender is told');
      assert.equal((await outboxRows()).length, 2, 'one row each');
      assert.deepEqual(sent, [], 'the request sent nothing itself');
    });

    it('never sends one row twice from two servers sending at once', async () => {
      const people = Array.from({ length: 16 }, (_, index) => `person.${index}@nhs.net`);
      for (const email of people) {
        await createTestAccount(database, email, []);
        await queuePasswordResetEmail(database, new Date(now), email);
      }
      const bySender = new Map<string, string[]>();
      const server = (name: string) =>
        keepSendingEmail({
          ...context(),
          mailer: {
            async send(email) {
              // Slow enough that the other server claims rows meanwhile.
              await new Promise((resolve) => setTimeout(resolve, 10));
              bySender.set(name, [...(bySender.get(name) ?? []), email.to]);
            },
          },
          outboxBell: new OutboxBell(),
        });
      const [first, second] = [server('first'), server('second')];
      try {
        await Promise.all([first.sendDue(), second.sendDue()]);
      } finally {
        await Promise.all([first.stop(), second.stop()]);
      }
      const delivered = [...bySender.values()].flat().sort();
      assert.deepEqual(delivered, [...people].sort(), 'each email once');
      assert.deepEqual(await outboxRows(), []);
      if (testDatabase.driver === 'postgres') {
        assert.equal(bySender.size, 2, 'both servers sent some: they did run at once');
      }
    });

    it('sends a queued reset within a second of the request, in the background', async () => {
      const bell = new OutboxBell();
      const sender = keepSendingEmail({ ...context(), outboxBell: bell });
      try {
        await sender.sendDue();
        await requestPasswordReset(
          { database, clock: () => new Date(now), outboxBell: bell },
          'known@nhs.net',
        );
        assert.equal(sent.length, 0, 'not while the request runs');
        const waitedUntil = Date.now() + 1000;
        while (sent.length === 0 && Date.now() < waitedUntil) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        assert.equal(sent[0]?.email.to, 'known@nhs.net');
        assert.match(sent[0]?.email.subject ?? '', /Reset your IPS Reporting password/);
      } finally {
        await sender.stop();
      }
    });

    it('sends nothing once stopped: the row waits for another server', async () => {
      const bell = new OutboxBell();
      const sender = keepSendingEmail({ ...context(), outboxBell: bell });
      await sender.stop();
      await requestPasswordReset(
        { database, clock: () => new Date(now), outboxBell: bell },
        'known@nhs.net',
      );
      await sender.sendDue();
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(sent, []);
      assert.equal((await outboxRows()).length, 1);
    });
  });
}
