-- fastchat database schema: the one source of truth for every table.
--
-- Applied by the server to its embedded database (PGlite) at every start-up, and by `make db`
-- (psql -v ON_ERROR_STOP=1 -X -q --single-transaction -f schema.sql) to a PostgreSQL server database.
--
-- Rules for editing this file:
--   * Idempotent: every statement must be safe to run again (IF NOT EXISTS, ON CONFLICT DO NOTHING).
--   * Plain SQL only: no psql meta-commands (\set, \i, …); PGlite runs this text through exec().
--   * Runs on PGlite and on PostgreSQL 15 alike; both are tested.
--   * A change that a running server depends on adds a row below AND bumps SCHEMA_VERSION in
--     src/store/schema.ts (test/store/schema.test.ts checks that they agree). A server refuses a
--     database whose highest version differs from its own.

CREATE TABLE IF NOT EXISTS schema_version (
  version    integer     PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- Tables go here, each as CREATE TABLE IF NOT EXISTS / CREATE INDEX IF NOT EXISTS.

-- One row per schema version this file brings the database to; keep them in ascending order.
INSERT INTO schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
