-- How many records each team holds now, kept with the records (every change to them recounts it
-- in the same transaction), so the data freshness view need not count a million rows.
ALTER TABLE team ADD COLUMN record_count integer NOT NULL DEFAULT 0;
UPDATE team SET record_count = (SELECT count(*) FROM referral r WHERE r.team_id = team.id);
