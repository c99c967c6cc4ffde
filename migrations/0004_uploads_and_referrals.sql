-- Uploaded referral records, pseudonymised (never a name, contact detail, date of birth, free
-- text or raw client ID), with every version kept so a team can roll back to the state after
-- any earlier upload.

-- One confirmed upload (or one record removed by hand): who, when, which files, what changed.
CREATE TABLE upload (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id integer NOT NULL REFERENCES team (id),
  account_id integer REFERENCES account (id) ON DELETE SET NULL,
  kind text NOT NULL CHECK (kind IN ('upload', 'removal')),
  uploaded_at timestamptz NOT NULL,
  file_names text NOT NULL DEFAULT '',
  new_count integer NOT NULL DEFAULT 0,
  changed_count integer NOT NULL DEFAULT 0,
  unchanged_count integer NOT NULL DEFAULT 0,
  removed_count integer NOT NULL DEFAULT 0,
  -- Set when the team is rolled back to an earlier upload: this one no longer counts.
  rolled_back_at timestamptz,
  rolled_back_by integer REFERENCES account (id) ON DELETE SET NULL
);
CREATE INDEX upload_team ON upload (team_id, id DESC);

-- Each record as an upload left it; a null record is a removal.
CREATE TABLE referral_version (
  upload_id integer NOT NULL REFERENCES upload (id),
  client_key text NOT NULL,
  referral_date date NOT NULL,
  record jsonb,
  PRIMARY KEY (upload_id, client_key, referral_date)
);

-- The team's records now: the newest version of each key among uploads not rolled back.
CREATE TABLE referral (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id integer NOT NULL REFERENCES team (id),
  client_key text NOT NULL,
  referral_date date NOT NULL,
  specialist text NOT NULL,
  record jsonb NOT NULL,
  upload_id integer NOT NULL REFERENCES upload (id),
  UNIQUE (team_id, client_key, referral_date)
);

-- Between the check page and Confirm: the checked, pseudonymised records, for one person, briefly.
CREATE TABLE pending_upload (
  id_hash text PRIMARY KEY,
  team_id integer NOT NULL REFERENCES team (id),
  account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  file_names text NOT NULL,
  payload jsonb NOT NULL
);
