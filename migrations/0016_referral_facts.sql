-- The facts the figures are counted from (docs/FACTS.md): what the metric engine derives from each
-- current record, written once when the record is saved, in the same transaction, so a dashboard
-- of any scope, period, as-at date or filter is a count over typed columns and no process keeps
-- figures of its own. SQL only compares, counts and sums these; the engine decides what they are.

-- One row per referral episode the team holds now.
CREATE TABLE referral_fact (
  referral_id bigint PRIMARY KEY REFERENCES referral (id) ON DELETE CASCADE,
  team_id integer NOT NULL REFERENCES team (id),
  -- The fields a dashboard splits its figures by, as stored (null: not recorded).
  specialist text NOT NULL,
  gender text,
  ethnicity text,
  age_band text NOT NULL,
  benefits text,
  employment_status text,
  referral_source text,
  referral_source_category text,
  local_authority text,
  caseload_status text,
  discharge_reason text,
  substance_group text,
  -- Employment status at referral: one of the "Unemployed" values, one of the "Employed" values,
  -- recorded and not "Not known" (the job retention share's population).
  out_of_work boolean NOT NULL,
  in_work boolean NOT NULL,
  status_known boolean NOT NULL,
  referral_date date NOT NULL,
  first_contact_date date,
  vp_start_date date,
  employer_contact_date date,
  discharge_date date,
  -- The earliest job start on or after the referral date, and how long after the VP start it was.
  first_job_date date,
  time_to_first_job text CHECK (time_to_first_job IN ('under6m', '6to12m', 'over12m', 'noVpStart')),
  -- The day each sustainment was reached with open jobs assumed to continue, and the average
  -- weekly hours band of the days that earned it: counted only up to the as-at date, so these
  -- hold for every as-at date and are never rewritten at midnight.
  sustained13_date date,
  sustained13_hours text CHECK (sustained13_hours IN ('under16', '16plus', 'unknown')),
  sustained26_date date,
  sustained26_hours text CHECK (sustained26_hours IN ('under16', '16plus', 'unknown')),
  sustained52_date date,
  sustained52_hours text CHECK (sustained52_hours IN ('under16', '16plus', 'unknown'))
);
CREATE INDEX referral_fact_team ON referral_fact (team_id);

-- One row per job that counts (started on or after the referral date, not ending before it began).
CREATE TABLE job_fact (
  referral_id bigint NOT NULL REFERENCES referral_fact (referral_id) ON DELETE CASCADE,
  start_date date NOT NULL,
  -- Null while the job is held.
  end_date date,
  hours_per_week numeric
);
CREATE INDEX job_fact_referral ON job_fact (referral_id);

-- Teams whose records were saved before there were facts: the start-up derives theirs once.
ALTER TABLE team ADD COLUMN facts_missing boolean NOT NULL DEFAULT false;
UPDATE team SET facts_missing = true WHERE record_count > 0;
