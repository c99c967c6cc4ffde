-- File names were kept as sent: control and format characters, any length (a 200 KB name). The
-- service now keeps them cleaned (those characters out, each name cut to 100 characters), and
-- this cleans the names already stored with uploads and in the audit log much the same way: the
-- C0 and C1 controls and the common format characters (src/validation/shown-text.ts removes
-- every \p{Cc} and \p{Cf}, a few rarer ones too).

CREATE FUNCTION clean_file_names(names text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(string_agg(coalesce(nullif(rtrim(left(btrim(name), 100)), ''), 'unnamed file'),
                             ', ' ORDER BY position), '')
    FROM unnest(string_to_array(
           regexp_replace(
             regexp_replace(names, '[\x01-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]+', ' ', 'g'),
             '\s{2,}', ' ', 'g'),
           ', ')) WITH ORDINALITY AS part (name, position)
$$;

UPDATE upload SET file_names = clean_file_names(file_names)
 WHERE file_names <> '' AND file_names <> clean_file_names(file_names);

-- "upload 12: 3 new, 0 changed, 5 unchanged (a.xlsx, b.csv)": the names between the first " ("
-- and the closing bracket.
UPDATE audit_event
   SET detail = left(detail, strpos(detail, ' (') + 1)
                || clean_file_names(substr(detail, strpos(detail, ' (') + 2,
                                           length(detail) - strpos(detail, ' (') - 2))
                || ')'
 WHERE action = 'uploaded data' AND strpos(detail, ' (') > 0 AND right(detail, 1) = ')'
   AND detail <> left(detail, strpos(detail, ' (') + 1)
                || clean_file_names(substr(detail, strpos(detail, ' (') + 2,
                                           length(detail) - strpos(detail, ' (') - 2))
                || ')';

DROP FUNCTION clean_file_names(text);

-- Checks waiting for Confirm kept warnings' values as typed, which checks no longer keep: they
-- are dropped (each waits an hour at most; the person uploads again).
DELETE FROM pending_upload;
