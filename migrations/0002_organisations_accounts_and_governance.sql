-- The organisation tree below the ICS, the accounts that sign in, their role assignments, sessions,
-- one-time links, API tokens, agreements and the audit log (DESIGN.md, "Who uses it").

CREATE TABLE service (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX service_name ON service (lower(name));

-- A team has one service and one ICS: a service spanning two ICSs has teams in each.
CREATE TABLE team (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id integer NOT NULL REFERENCES service (id),
  ics_id integer NOT NULL REFERENCES ics (id),
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX team_name ON team (service_id, lower(name));
CREATE INDEX team_ics ON team (ics_id);

-- Employment specialists are known by their initials within a team, as in the spreadsheet; the
-- team leader may add the name people know them by and mark them as left.
CREATE TABLE specialist (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  team_id integer NOT NULL REFERENCES team (id),
  initials text NOT NULL,
  display_name text,
  has_left boolean NOT NULL DEFAULT false,
  UNIQUE (team_id, initials)
);

CREATE TABLE account (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL,
  name text NOT NULL,
  -- argon2id; null until the person sets a password from their emailed link.
  password_hash text,
  totp_secret text,
  -- The last time step accepted, so a code cannot be used twice.
  totp_last_step bigint,
  failed_sign_ins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  terms_version_accepted integer,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- Emails match case-insensitively.
CREATE UNIQUE INDEX account_email ON account (lower(email));

CREATE TABLE role_assignment (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('team-leader', 'service-manager', 'commissioner', 'ics-lead',
    'regional-lead', 'national-lead', 'administrator')),
  team_id integer REFERENCES team (id),
  service_id integer REFERENCES service (id),
  ics_id integer REFERENCES ics (id),
  region_id integer REFERENCES region (id),
  data_governance_lead boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(),
  -- Each role has exactly the one scope the roles table gives it.
  CONSTRAINT role_scope CHECK (
    CASE role
      WHEN 'team-leader' THEN team_id IS NOT NULL AND num_nonnulls(service_id, ics_id, region_id) = 0
      WHEN 'service-manager' THEN service_id IS NOT NULL AND num_nonnulls(team_id, ics_id, region_id) = 0
      WHEN 'commissioner' THEN service_id IS NOT NULL AND num_nonnulls(team_id, ics_id, region_id) = 0
      WHEN 'ics-lead' THEN ics_id IS NOT NULL AND num_nonnulls(team_id, service_id, region_id) = 0
      WHEN 'regional-lead' THEN region_id IS NOT NULL AND num_nonnulls(team_id, service_id, ics_id) = 0
      ELSE num_nonnulls(team_id, service_id, ics_id, region_id) = 0
    END
  ),
  CONSTRAINT governance_lead_is_service_manager CHECK (
    NOT data_governance_lead OR role = 'service-manager'
  )
);
CREATE INDEX role_assignment_account ON role_assignment (account_id);

-- Sessions live here, not in the app server, so any instance can serve any request. The id is
-- kept only as a SHA-256 hash: a copy of this table signs nobody in.
CREATE TABLE session (
  id_hash text PRIMARY KEY,
  account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  second_factor_pending boolean NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);
CREATE INDEX session_account ON session (account_id);

-- Password reset, account set-up and first-administrator links, stored hashed, used once.
CREATE TABLE one_time_link (
  token_hash text PRIMARY KEY,
  purpose text NOT NULL CHECK (purpose IN ('password-reset', 'first-administrator')),
  account_id integer REFERENCES account (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  used_at timestamptz
);

CREATE TABLE api_token (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id integer NOT NULL REFERENCES account (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_token_account ON api_token (account_id);

CREATE TABLE access_request (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  email text NOT NULL,
  role_wanted text NOT NULL,
  organisations text NOT NULL,
  reason text NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  created_at timestamptz NOT NULL,
  decided_by integer REFERENCES account (id) ON DELETE SET NULL,
  decided_at timestamptz
);

-- Both agreements are versioned texts; the newest version is the one in force.
CREATE TABLE agreement_version (
  kind text NOT NULL CHECK (kind IN ('data-sharing', 'end-user')),
  version integer NOT NULL,
  body text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by integer REFERENCES account (id) ON DELETE SET NULL,
  PRIMARY KEY (kind, version)
);

CREATE TABLE data_sharing_acceptance (
  service_id integer NOT NULL REFERENCES service (id),
  version integer NOT NULL,
  accepted_by integer REFERENCES account (id) ON DELETE SET NULL,
  accepted_at timestamptz NOT NULL,
  PRIMARY KEY (service_id, version)
);

CREATE TABLE audit_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_account_id integer REFERENCES account (id) ON DELETE SET NULL,
  action text NOT NULL,
  subject text NOT NULL,
  detail text NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_at ON audit_event (at DESC);

INSERT INTO agreement_version (kind, version, body) VALUES
  ('data-sharing', 1, 'This agreement is between the IPS service named below and the operator of IPS Reporting.

The service shares pseudonymised records of its IPS referrals so that they can be counted and reported to the service, its commissioners, its integrated care system, NHS England and the national IPS programme.

Personal data is removed when a spreadsheet is uploaded: names, contact details, dates of birth, free-text comments and raw client IDs are never stored. Client IDs are replaced by a keyed pseudonym that cannot be reversed.

The service remains the data controller for its records. It may withdraw from this agreement at any time by contacting the national IPS programme, and its records will then be deleted.'),
  ('end-user', 1, 'You may use IPS Reporting only for your work with IPS services.

Keep your password to yourself and sign out when you have finished. Tell your administrator at once if you think someone else has used your account.

Do not try to identify any person from the figures or pseudonymised records you can see, and do not share what you see with anyone who is not entitled to it.

Every change you make is recorded in an audit log.');
