-- Emails waiting for the background sender (src/mail/outbox.ts), so no request waits for SMTP or
-- fails with it. A row says what to send, never a link's secret: the sender looks the account up
-- and makes the one-time link when it sends. A password reset keeps only the address typed, with
-- or without an account; an approval the account. The row goes once sent or given up, so an
-- address (personal data) is kept no longer than that.
CREATE TABLE email_outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  email_address text,
  account_id integer REFERENCES account (id) ON DELETE CASCADE,
  -- Counted when a sender claims the row, so one that crashes the sender is still given up.
  attempts integer NOT NULL DEFAULT 0,
  -- Due now, after a backoff, or after a claim's lease (a sender that stopped mid-send).
  next_attempt_at timestamptz NOT NULL,
  -- The failure's class or code only: never the address or the email.
  last_error text,
  created_at timestamptz NOT NULL,
  CHECK (
    (kind = 'password-reset' AND email_address IS NOT NULL AND account_id IS NULL)
    OR (kind = 'account-set-up' AND account_id IS NOT NULL AND email_address IS NULL)
  )
);
CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at);
