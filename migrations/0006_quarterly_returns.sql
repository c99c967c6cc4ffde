-- NHS England quarterly returns (issue 6): one per service, ICS and calendar quarter.

-- The return being filled: the form as typed (a draft, never shown to area leads).
CREATE TABLE quarterly_return (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id integer NOT NULL REFERENCES service (id),
  ics_id integer NOT NULL REFERENCES ics (id),
  quarter text NOT NULL CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
  draft jsonb NOT NULL,
  draft_changed_at timestamptz NOT NULL,
  draft_changed_by integer REFERENCES account (id) ON DELETE SET NULL,
  UNIQUE (service_id, ics_id, quarter)
);
CREATE INDEX quarterly_return_quarter ON quarterly_return (quarter, ics_id);

-- Every submission, checked and frozen: what readers see, and the history of what changed.
CREATE TABLE quarterly_return_version (
  return_id integer NOT NULL REFERENCES quarterly_return (id),
  version integer NOT NULL CHECK (version >= 1),
  content jsonb NOT NULL,
  submitted_at timestamptz NOT NULL,
  submitted_by integer REFERENCES account (id) ON DELETE SET NULL,
  PRIMARY KEY (return_id, version)
);

-- The national lead's deadline for each quarter's returns.
CREATE TABLE return_deadline (
  quarter text PRIMARY KEY CHECK (quarter ~ '^[0-9]{4}Q[1-4]$'),
  deadline date NOT NULL,
  set_by integer REFERENCES account (id) ON DELETE SET NULL,
  set_at timestamptz NOT NULL
);
