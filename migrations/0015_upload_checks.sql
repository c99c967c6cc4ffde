-- An upload from the moment its files arrive until Confirm has saved it or it expires: where it has
-- got to, so any server can answer its progress page, and the finished check, computed once. The
-- check is sealed under its secret address, which is kept only as a hash; the records are the
-- pseudonymised ones Confirm writes. Replaces pending_upload, whose checks were compared again at
-- every reload and at Confirm.
CREATE TABLE upload_check (
  id_hash text PRIMARY KEY,
  team_id integer NOT NULL REFERENCES team (id),
  account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL,
  -- Moves with the progress: a check in hand that stops moving was on a server that stopped.
  updated_at timestamptz NOT NULL,
  stage text NOT NULL CHECK (
    stage IN ('reading', 'checking', 'checked', 'has-errors', 'refused', 'saving', 'saved', 'data-changed')
  ),
  rows_done integer NOT NULL DEFAULT 0,
  -- The rows Confirm writes (new and changed), once checked.
  rows_to_save integer,
  -- The team's change count the files were checked against.
  data_version integer,
  -- Why the files could not be checked (too long, too much memory, busy): no value from them.
  refusal text,
  check_view bytea,
  records_to_save bytea,
  upload_id integer REFERENCES upload (id)
);
CREATE INDEX upload_check_created ON upload_check (created_at);

DROP TABLE pending_upload;
