-- Help resources administrators write (issue 7), and problems users report.

-- A page of Markdown (rendered without raw HTML), or a link to a resource elsewhere.
CREATE TABLE resource (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'),
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('page', 'link')),
  body text NOT NULL DEFAULT '',
  url text,
  updated_at timestamptz NOT NULL,
  updated_by integer REFERENCES account (id) ON DELETE SET NULL,
  CHECK ((kind = 'link') = (url IS NOT NULL))
);

-- "Report a problem": who, from which page, what they wrote, for administrators.
CREATE TABLE problem_report (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id integer REFERENCES account (id) ON DELETE SET NULL,
  page text NOT NULL,
  description text NOT NULL,
  reported_at timestamptz NOT NULL,
  resolved_at timestamptz
);
