-- A record's JSON is stored once, in the version its upload wrote: referral keeps which version is
-- current (its upload_id), not a second copy, so a save writes each record's JSON once and a
-- data fix (such as 0013's) has one copy to change. referral_record reads the current records.
DO $$
BEGIN
  IF EXISTS (
    SELECT 1 FROM referral r
     WHERE NOT EXISTS (
       SELECT 1 FROM referral_version v
        WHERE v.upload_id = r.upload_id AND v.client_key = r.client_key
          AND v.referral_date = r.referral_date AND v.record = r.record)
  ) THEN
    RAISE EXCEPTION 'a current record differs from the version its upload saved: not dropping its copy';
  END IF;
END
$$;

ALTER TABLE referral DROP COLUMN record;

CREATE VIEW referral_record AS
  SELECT r.id, r.team_id, r.client_key, r.referral_date, r.specialist, r.upload_id, v.record
    FROM referral r
    JOIN referral_version v
      ON v.upload_id = r.upload_id AND v.client_key = r.client_key AND v.referral_date = r.referral_date;
