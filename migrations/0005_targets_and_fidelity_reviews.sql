-- Annual targets, team sizes and IPS fidelity reviews (issue 5). Nothing here is about a client.

-- A team's target for one measure and one financial year (start year: 2024 is 2024/25).
CREATE TABLE team_target (
  team_id integer NOT NULL REFERENCES team (id),
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2100),
  measure text NOT NULL,
  target integer NOT NULL CHECK (target >= 0),
  PRIMARY KEY (team_id, financial_year, measure)
);

-- A service's own target, set by its manager; without one, the service's target is its teams' sum.
CREATE TABLE service_target (
  service_id integer NOT NULL REFERENCES service (id),
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2100),
  measure text NOT NULL,
  target integer NOT NULL CHECK (target >= 0),
  PRIMARY KEY (service_id, financial_year, measure)
);

-- Employment specialists in post, in whole-time equivalents, for a team's financial year.
CREATE TABLE team_size (
  team_id integer NOT NULL REFERENCES team (id),
  financial_year integer NOT NULL CHECK (financial_year BETWEEN 2000 AND 2100),
  specialists_wte numeric(6, 2) NOT NULL CHECK (specialists_wte >= 0),
  PRIMARY KEY (team_id, financial_year)
);

-- Every change of a target or team size: who, when, from what to what (null: not set).
CREATE TABLE target_change (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  scope_type text NOT NULL CHECK (scope_type IN ('team', 'service')),
  scope_id integer NOT NULL,
  financial_year integer NOT NULL,
  measure text NOT NULL,
  old_value numeric(8, 2),
  new_value numeric(8, 2),
  account_id integer REFERENCES account (id) ON DELETE SET NULL,
  changed_at timestamptz NOT NULL
);
CREATE INDEX target_change_scope ON target_change (scope_type, scope_id, financial_year, id DESC);

-- One IPS-25 fidelity review of a service: 25 item scores (1 to 5), in the scale's order.
CREATE TABLE fidelity_review (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  service_id integer NOT NULL REFERENCES service (id),
  review_date date NOT NULL,
  review_type text NOT NULL CHECK (review_type IN ('self-assessment', 'peer', 'independent')),
  reviewer_organisation text NOT NULL,
  item_scores integer[] NOT NULL CHECK (cardinality(item_scores) = 25),
  total integer NOT NULL CHECK (total BETWEEN 25 AND 125),
  action_plan text NOT NULL DEFAULT '',
  recorded_by integer REFERENCES account (id) ON DELETE SET NULL,
  recorded_at timestamptz NOT NULL
);
CREATE INDEX fidelity_review_service ON fidelity_review (service_id, review_date DESC, id DESC);
