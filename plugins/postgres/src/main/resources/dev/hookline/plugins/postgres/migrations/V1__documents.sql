-- Version 1: snapshots, the change log, rows set aside from damaged logs, and fencing tokens.
-- Applied by Migrations, in the schema of the 'schema' setting (search_path), in one transaction.

CREATE TABLE hookline_snapshots (
  document  text PRIMARY KEY,
  version   bigint NOT NULL,          -- the version of the snapshot
  state     json NOT NULL,            -- the document tree (json, not jsonb: key order is kept)
  meta      json NOT NULL,            -- object: canonical path -> meta
  stored_at timestamptz NOT NULL
);

CREATE TABLE hookline_changes (
  document text NOT NULL,
  version  bigint NOT NULL,           -- the version the change produced
  op       text NOT NULL,             -- set | merge | delete
  path     text NOT NULL,             -- canonical path, '' = root
  value    json,                      -- NULL for delete
  meta     json,                      -- NULL when the change stored none
  PRIMARY KEY (document, version)
);

-- Rows a load left out of a damaged log, kept for a repair by hand.
CREATE TABLE hookline_skipped_changes (
  document   text NOT NULL,
  version    bigint NOT NULL,
  op         text NOT NULL,
  path       text NOT NULL,
  value      json,
  meta       json,
  skipped_at timestamptz NOT NULL
);

-- The highest fencing token a load recorded per document (clusters only; fence 0 is never
-- recorded). A write with a lower token is refused; see the README, "Fencing".
CREATE TABLE hookline_fences (
  document   text PRIMARY KEY,
  fence      bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
