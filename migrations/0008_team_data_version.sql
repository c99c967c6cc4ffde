-- A count of the changes to a team's records (uploads, roll-backs, removals). A change takes the
-- team's row for its transaction, so two never interleave, and an upload checked against an
-- older count is refused, to be checked again.
ALTER TABLE team ADD COLUMN data_version integer NOT NULL DEFAULT 0;
