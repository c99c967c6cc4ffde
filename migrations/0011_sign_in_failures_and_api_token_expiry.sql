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

ALTER TABLE account DROP COLUMN failed_sign_ins;
ALTER TABLE account DROP COLUMN locked_until;

-- API tokens expire. A token made before this migration keeps working for 90 days from its making,
-- and at least 30 days from now, so a system using one has time to be given a new one.
ALTER TABLE api_token ADD COLUMN expires_at timestamptz;
UPDATE api_token SET expires_at = greatest(created_at + interval '90 days', now() + interval '30 days');
ALTER TABLE api_token ALTER COLUMN expires_at SET NOT NULL;
