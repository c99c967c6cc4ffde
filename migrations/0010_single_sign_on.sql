-- Single sign-on (OpenID Connect). A sign-in in progress lives here, not in the app server, so the
-- provider's answer may land on any app server. The browser holds the attempt's secret in a
-- short-lived cookie; only its hash is kept, with the state, nonce and PKCE verifier it guards.
CREATE TABLE single_sign_on_attempt (
  id_hash text PRIMARY KEY,
  provider text NOT NULL,
  state text NOT NULL,
  nonce text NOT NULL,
  code_verifier text NOT NULL,
  -- The page on this site to go to afterwards.
  next_path text NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX single_sign_on_attempt_expiry ON single_sign_on_attempt (expires_at);

-- Email domains whose people must sign in with single sign-on: no password sign-in or reset.
CREATE TABLE single_sign_on_domain (
  domain text PRIMARY KEY CHECK (domain = lower(domain)),
  added_by integer REFERENCES account (id) ON DELETE SET NULL,
  added_at timestamptz NOT NULL
);
