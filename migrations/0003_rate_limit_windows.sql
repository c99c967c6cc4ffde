-- Rate-limit counters in the database, so every app server counts the same attempts. The key is a
-- SHA-256 hash of route and client address: no addresses are stored.
CREATE TABLE rate_limit_window (
  key_hash text PRIMARY KEY,
  window_ends_at timestamptz NOT NULL,
  hits integer NOT NULL
);
CREATE INDEX rate_limit_window_ends ON rate_limit_window (window_ends_at);
