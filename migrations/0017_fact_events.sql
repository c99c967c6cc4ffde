-- The facts as dated events (docs/FACTS.md, src/metrics/fact-events.ts): each of a record's
-- figures is an event with one or two days, so a page's figures for any number of periods are one
-- pass that sorts the events into the bins between the page's dates and counts them. The events
-- hold what job_fact held (each counted job's start and hours), so it goes.
DROP TABLE job_fact;

CREATE TABLE fact_event (
  referral_id bigint NOT NULL REFERENCES referral_fact (referral_id) ON DELETE CASCADE,
  team_id integer NOT NULL REFERENCES team (id),
  -- The index of the event's kind in EVENT_KINDS.
  kind smallint NOT NULL,
  -- Employment status at referral as bits: 1 out of work, 2 in work, 4 known.
  status smallint NOT NULL,
  on_day date NOT NULL,
  -- The second day of a two-day event (a spell's end, the job before's start); null: none.
  until_day date,
  band text,
  -- A wait in days, weekly hours in millionths, or a weight of +1 or -1.
  amount bigint,
  -- A caseload's specialist, for the caseload per specialist.
  specialist text
);
CREATE INDEX fact_event_team ON fact_event (team_id);
CREATE INDEX fact_event_referral ON fact_event (referral_id);
-- The caseload events alone (kind 3, 'caseload'), for the specialists holding a caseload: a
-- national page reads a tenth of the events for that count instead of all of them.
CREATE INDEX fact_event_caseload ON fact_event (team_id, specialist, on_day) INCLUDE (until_day, status)
  WHERE kind = 3;

-- Every team's events are derived once, at start-up, as facts were for migration 0016.
UPDATE team SET facts_missing = true WHERE record_count > 0;
