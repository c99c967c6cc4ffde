-- Failed sign-ins counted per account and client address, and per account across every address,
-- instead of one lock per account that anyone anywhere could set off. The address is kept only as
-- a SHA-256 hash; '' names the count across every address.
CREATE TABLE sign_in_failure (
  account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  address_hash text NOT NULL,
  failures integer NOT NULL,
  last_failure_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, address_hash)
);

-- account.failed_sign_ins and account.locked_until are no longer read or written. They stay until
-- a later release: in a rolling deployment the servers of the release before this one still read
-- them while this migration has run.

-- API tokens expire. A token made before this migration keeps working for 90 days from its making,
-- and at least 30 days from now, so a system using one has time to be given a new one.
ALTER TABLE api_token ADD COLUMN expires_at timestamptz;
UPDATE api_token SET expires_at = greatest(created_at + interval '90 days', now() + interval '30 days');
ALTER TABLE api_token ALTER COLUMN expires_at SET NOT NULL;
-- The release before this one makes tokens without naming an expiry: they get the default 90 days.
ALTER TABLE api_token ALTER COLUMN expires_at SET DEFAULT now() + interval '90 days';
