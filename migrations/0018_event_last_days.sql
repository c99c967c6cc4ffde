-- Each event's last counted day (lastCountedDay in src/metrics/fact-events.ts, docs/FACTS.md): a
-- spell's end ('infinity' while it runs; kinds 3, 9 and 10 are caseload, inWork and servedInWork),
-- any other event's own day. A page reads only the events whose last day is on or after its first
-- date, a fraction of ten years' events, and counts the older records from referral_fact's index.
ALTER TABLE fact_event ADD COLUMN last_day date;
UPDATE fact_event
   SET last_day = CASE WHEN kind IN (3, 9, 10) THEN coalesce(until_day, 'infinity') ELSE on_day END;
ALTER TABLE fact_event ALTER COLUMN last_day SET NOT NULL;

DROP INDEX fact_event_team;
CREATE INDEX fact_event_team ON fact_event (team_id, last_day);
DROP INDEX referral_fact_team;
CREATE INDEX referral_fact_team ON referral_fact (team_id, referral_date);
