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
