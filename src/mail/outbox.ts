import {
  ACCOUNT_SET_UP_LINK_MINUTES,
  type Account,
  createOneTimeLink,
  findAccount,
  findAccountByEmail,
  PASSWORD_RESET_LINK_MINUTES,
} from '../accounts/accounts.ts';
import type { AppContext } from '../application/context.ts';
import type { Queryable } from '../database/database.ts';
import type { WarningLog } from '../uploads/upload-use-cases.ts';
import type { Email } from './mailer.ts';

/**
 * Email goes through the `email_outbox` table: a use case queues what to send, in its own
 * transaction, and a background sender on each server claims due rows, makes the one-time link,
 * sends over the Mailer and deletes the row. No request waits for SMTP or fails with it, and a
 * reset for an address with no account does the same work as one with an account.
 */

type OutboxKind = 'password-reset' | 'account-set-up';

/** A reset link for whoever has this address, if anyone: the sender finds out, not the request. */
export async function queuePasswordResetEmail(
  database: Queryable,
  now: Date,
  emailAddress: string,
): Promise<void> {
  await database.query(
    `INSERT INTO email_outbox (kind, email_address, next_attempt_at, created_at)
     VALUES ('password-reset', $1, $2, $2)`,
    [emailAddress, now],
  );
}

/** A newly approved account's link to set its first password. */
export async function queueAccountSetUpEmail(
  database: Queryable,
  now: Date,
  accountId: number,
): Promise<void> {
  await database.query(
    `INSERT INTO email_outbox (kind, account_id, next_attempt_at, created_at)
     VALUES ('account-set-up', $1, $2, $2)`,
    [accountId, now],
  );
}

/**
 * How long a claimed email is left to its sender before another may try it (a server that stopped
 * mid-send): longer than nodemailer's own timeouts (2 minutes to connect, 10 minutes idle).
 */
const CLAIM_MINUTES = 15;
/** The round that picks up retries and what other servers queued before they stopped. */
const SEND_ROUND_SECONDS = 30;
const LONGEST_RETRY_MINUTES = 60;

/** After the nth failed attempt: 1, 2, 4… minutes, at most an hour. */
export function retryDelayMinutes(attemptsMade: number): number {
  return Math.min(2 ** (attemptsMade - 1), LONGEST_RETRY_MINUTES);
}

export type EmailSending = Pick<AppContext, 'database' | 'clock' | 'mailer' | 'config'> & {
  readonly logger: WarningLog;
};

interface ClaimedEmail {
  readonly id: number;
  readonly kind: OutboxKind;
  readonly emailAddress: string | null;
  readonly accountId: number | null;
  /** Counting this one. */
  readonly attempts: number;
}

/**
 * One due row, taken for CLAIM_MINUTES in a single statement: SKIP LOCKED lets servers on one
 * PostgreSQL claim different rows at once, and no transaction is held while SMTP answers (on
 * PGlite, whose one connection a transaction holds, that would stop every request meanwhile).
 */
async function claimDueEmail(database: Queryable, now: Date): Promise<ClaimedEmail | null> {
  const [claimed] = await database.query<ClaimedEmail>(
    `UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $2
      WHERE id = (SELECT id FROM email_outbox WHERE next_attempt_at <= $1
                   ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, email_address AS "emailAddress", account_id AS "accountId", attempts`,
    [now, new Date(now.getTime() + CLAIM_MINUTES * 60_000)],
  );
  return claimed ?? null;
}

/** Whom the email is for now: the account with the address typed, or the approved account. */
function accountOf(database: Queryable, claimed: ClaimedEmail): Promise<Account | null> {
  if (claimed.emailAddress !== null) return findAccountByEmail(database, claimed.emailAddress);
  return claimed.accountId === null
    ? Promise.resolve(null)
    : findAccount(database, claimed.accountId);
}

/** The email as it is sent now, with a fresh link; null when there is nobody to send it to. */
async function composeEmail(context: EmailSending, claimed: ClaimedEmail): Promise<Email | null> {
  const account = await accountOf(context.database, claimed);
  if (account === null) return null;
  // Set a password meanwhile (by a reset): a set-up link is no use to them now.
  if (claimed.kind === 'account-set-up' && account.hasPassword) return null;
  const minutes =
    claimed.kind === 'password-reset' ? PASSWORD_RESET_LINK_MINUTES : ACCOUNT_SET_UP_LINK_MINUTES;
  const token = await createOneTimeLink(
    context.database,
    'password-reset',
    account.id,
    context.clock(),
    minutes,
  );
  const link = `${context.config.baseUrl}/password-reset/${token}`;
  if (claimed.kind === 'password-reset') {
    return {
      to: account.email,
      subject: 'Reset your IPS Reporting password',
      text: [
        `Hello ${account.name},`,
        '',
        'Use this link to set a new password for IPS Reporting:',
        link,
        '',
        `The link works once, for ${PASSWORD_RESET_LINK_MINUTES} minutes.`,
        'If you did not ask to reset your password, you can ignore this email.',
      ].join('\n'),
    };
  }
  return {
    to: account.email,
    subject: 'Your IPS Reporting access has been approved',
    text: [
      `Hello ${account.name},`,
      '',
      'Your request for access to IPS Reporting has been approved.',
      'Use this link to set your password. It works once, for 7 days:',
      link,
    ].join('\n'),
  };
}

/**
 * What failed, without what it was about: the error's class and nodemailer's code (ECONNECTION,
 * EAUTH…) and SMTP reply code. Never the message, which may quote the address.
 */
function failureClass(error: unknown): string {
  const { code, responseCode } = (error ?? {}) as { code?: unknown; responseCode?: unknown };
  return [
    error instanceof Error ? error.name : typeof error,
    typeof code === 'string' && /^[A-Za-z0-9_]{1,40}$/.test(code) ? code : null,
    Number.isInteger(responseCode) ? String(responseCode) : null,
  ]
    .filter((part) => part !== null)
    .join(' ');
}

async function forget(database: Queryable, id: number): Promise<void> {
  await database.query('DELETE FROM email_outbox WHERE id = $1', [id]);
}

async function giveUp(context: EmailSending, claimed: ClaimedEmail, failure: string) {
  await forget(context.database, claimed.id);
  context.logger.warn(
    { event: 'email-given-up', outboxId: claimed.id, kind: claimed.kind, failure },
    `gave up sending an email after ${claimed.attempts} attempts`,
  );
}

async function sendClaimed(context: EmailSending, claimed: ClaimedEmail): Promise<void> {
  const attempts = context.config.emailAttempts;
  // Claimed again after its sender stopped on the last attempt (perhaps because of this email).
  if (claimed.attempts > attempts) return giveUp(context, claimed, 'unfinished');
  try {
    const email = await composeEmail(context, claimed);
    if (email !== null) await context.mailer.send(email);
  } catch (error) {
    return failed(context, claimed, failureClass(error));
  }
  // Outside the try: sent is sent, and a failure here leaves the row to its lease, not a retry now.
  await forget(context.database, claimed.id);
}

async function failed(context: EmailSending, claimed: ClaimedEmail, failure: string) {
  if (claimed.attempts >= context.config.emailAttempts) return giveUp(context, claimed, failure);
  const delay = retryDelayMinutes(claimed.attempts);
  await context.database.query(
    'UPDATE email_outbox SET next_attempt_at = $2, last_error = $3 WHERE id = $1',
    [claimed.id, new Date(context.clock().getTime() + delay * 60_000), failure],
  );
  context.logger.warn(
    { event: 'email-failed', outboxId: claimed.id, kind: claimed.kind, failure },
    `sending an email failed: trying again in ${delay} minutes`,
  );
}

/** Sends every email due now, one claim at a time, while `keepGoing` says so. */
export async function sendDueEmail(
  context: EmailSending,
  keepGoing: () => boolean = () => true,
): Promise<void> {
  while (keepGoing()) {
    const claimed = await claimDueEmail(context.database, context.clock());
    if (claimed === null) return;
    await sendClaimed(context, claimed);
  }
}

export interface EmailSender {
  /** Sends what is due now; resolves when that round has ended. */
  readonly sendDue: () => Promise<void>;
  /** No more rounds; resolves when the email being sent, if any, is done with. */
  readonly stop: () => Promise<void>;
}

/**
 * Sends queued email in the background: at once when this server queues one (the bell), and
 * every half minute for retries and rows other servers left. Any number of servers may run it on
 * one database; each round runs alone on this server, and a ring during one gets a round after it.
 */
export function keepSendingEmail(
  services: EmailSending & Pick<AppContext, 'outboxBell'>,
): EmailSender {
  let stopped = false;
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;
  const round = async () => {
    try {
      await sendDueEmail(services, () => !stopped);
    } catch (error) {
      // The row stays claimed until its lease ends; the next round after that tries again.
      services.logger.warn(
        { event: 'email-round-failed', failure: failureClass(error) },
        'sending queued email failed: the next round tries again',
      );
    }
  };
  const start = () => {
    current = round().finally(() => {
      current = null;
    });
    return current;
  };
  const sendDue = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (current === null) return start();
    next ??= current.then(() => {
      next = null;
      return start();
    });
    return next;
  };
  const timer = setInterval(sendDue, SEND_ROUND_SECONDS * 1000);
  // Never what keeps the process alive.
  timer.unref();
  // After the request's own work: it never waits for SMTP.
  const stopListening = services.outboxBell.listen(() => setImmediate(sendDue));
  void sendDue();
  return {
    sendDue,
    async stop() {
      stopped = true;
      clearInterval(timer);
      stopListening();
      await (next ?? current);
    },
  };
}
