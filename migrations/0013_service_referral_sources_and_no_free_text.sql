-- Issue 20: "Referral source" and "Local authority of residence" were stored as typed, and free
-- text (even a client's name and date of birth) reached the national dashboards.

-- Each service's own referral sources, in the order its manager lists them, each mapped to one
-- national category (src/spreadsheet/referral-sources.ts). Uploads are read against this list.
CREATE TABLE service_referral_source (
  service_id integer NOT NULL REFERENCES service (id) ON DELETE CASCADE,
  position integer NOT NULL,
  name text NOT NULL,
  category text NOT NULL,
  PRIMARY KEY (service_id, position)
);

-- No stored record keeps the old text. No service has a list yet, so no stored source can be on
-- one: each becomes "Not on the service's list", as an unlisted value is now. Local authorities
-- were names as typed, never codes, so they are dropped. An upload is a team's whole
-- spreadsheet: its next one brings back every listed source and every district, as codes.
UPDATE referral SET record = record || jsonb_build_object(
  'referralSource', CASE WHEN record->>'referralSource' IS NULL THEN NULL ELSE 'Not on the service''s list' END,
  'referralSourceCategory', CASE WHEN record->>'referralSource' IS NULL THEN NULL ELSE 'Not on the service''s list' END,
  'localAuthority', NULL
);
-- The history too: a roll-back restores these versions.
UPDATE referral_version SET record = record || jsonb_build_object(
  'referralSource', CASE WHEN record->>'referralSource' IS NULL THEN NULL ELSE 'Not on the service''s list' END,
  'referralSourceCategory', CASE WHEN record->>'referralSource' IS NULL THEN NULL ELSE 'Not on the service''s list' END,
  'localAuthority', NULL
) WHERE record IS NOT NULL;
-- Checks waiting for Confirm hold records read the old way: they are checked again.
DELETE FROM pending_upload;
