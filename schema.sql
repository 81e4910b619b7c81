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

-- Version 2: users, conversations, their members and messages (src/store/chat-store.ts is the
-- contract these tables serve), and the nodes of a scale-out deployment.

-- Accounts. Names are unique regardless of case (users_name_lower_key; the store maps a violation
-- to NameTakenError). The verifier is a slow salted hash of what the client sends at login.
CREATE TABLE IF NOT EXISTS users (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name       text        NOT NULL,
  kind       text        NOT NULL CHECK (kind IN ('modern', 'legacy')),
  verifier   bytea       NOT NULL,
  salt       bytea       NOT NULL,
  kdf        text        NOT NULL,
  public_key bytea,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen  timestamptz
);
CREATE UNIQUE INDEX IF NOT EXISTS users_name_lower_key ON users (lower(name));

-- A direct conversation has direct_key "minUserId:maxUserId" (one per pair); a group has a name.
-- last_seq is the highest seq used: messages take seqs by raising it, which also makes this row the
-- conversation's lock (taken in id order) for everything that must be atomic with a new seq.
CREATE TABLE IF NOT EXISTS conversations (
  id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind       text        NOT NULL CHECK (kind IN ('direct', 'group')),
  name       text,
  direct_key text        UNIQUE,
  last_seq   bigint      NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((kind = 'direct') = (direct_key IS NOT NULL))
);

-- One row per user who is or was in a conversation: they may see seqs in (joined_seq, left_seq].
-- A former member who is added again gets a new window in the same row.
CREATE TABLE IF NOT EXISTS members (
  conversation_id bigint NOT NULL REFERENCES conversations (id),
  user_id         bigint NOT NULL REFERENCES users (id),
  role            text   NOT NULL CHECK (role IN ('admin', 'member')),
  joined_seq      bigint NOT NULL,
  left_seq        bigint,
  delivered_seq   bigint NOT NULL DEFAULT 0,
  read_seq        bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
);
-- The conversations of a user (login, conversation list).
CREATE INDEX IF NOT EXISTS members_user_idx ON members (user_id, conversation_id);

-- Every row of every conversation's sequence: messages (ciphertext in body) and membership events.
-- messages_conversation_seq_key serves history and sync (seq ranges within one conversation);
-- messages_sender_client_key recognises a resend. No foreign keys here: the store only inserts a
-- row after checking, under the conversation's lock, that its sender is a current member, and
-- per-row key checks would cost the hot path more than they protect.
CREATE TABLE IF NOT EXISTS messages (
  mid             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  conversation_id bigint      NOT NULL,
  seq             bigint      NOT NULL,
  sender_id       bigint      NOT NULL,
  client_id       text        NOT NULL,
  kind            text        NOT NULL CHECK (kind IN
                    ('message', 'created', 'member_added', 'member_removed', 'member_left', 'renamed')),
  body            bytea       NOT NULL,
  subject_id      bigint,
  created_at      timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT messages_conversation_seq_key UNIQUE (conversation_id, seq),
  CONSTRAINT messages_sender_client_key UNIQUE (sender_id, client_id)
);

-- Server processes sharing one PostgreSQL (scale-out): each registers and heartbeats here, and the
-- coordinator sends clients to the least loaded live node.
CREATE TABLE IF NOT EXISTS nodes (
  id           text        PRIMARY KEY,
  host         text        NOT NULL,
  ports        integer[]   NOT NULL,
  connections  integer     NOT NULL DEFAULT 0,
  heartbeat_at timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz NOT NULL DEFAULT now()
);
-- Live nodes: heartbeat_at newer than a cut-off.
CREATE INDEX IF NOT EXISTS nodes_heartbeat_idx ON nodes (heartbeat_at);

-- Version 3: the private-key backup each user keeps on the server, encrypted on their machine
-- under a key derived from their password (the server cannot open it; see docs/security.md).
ALTER TABLE users ADD COLUMN IF NOT EXISTS key_backup bytea;

-- Version 4: the RSA public key a user publishes for the 2022 legacy clients (SPKI DER). A legacy
-- user's only key is this one (also in public_key); a modern user's is a separate pair that is never
-- used for modern envelopes (docs/legacy.md).
ALTER TABLE users ADD COLUMN IF NOT EXISTS legacy_key bytea;

-- Version 5: cluster-wide presence. One row per (node, user with a session on that node), written
-- only by nodes sharing a PostgreSQL server (the embedded database serves one process, which keeps
-- presence in memory). A user is online while a row of theirs belongs to a live node; the node that
-- reaps a dead node (deletes its `nodes` row) takes its rows with it by the cascade and announces
-- offline whoever is then online nowhere. presence_user_idx answers "is this user online anywhere".
CREATE TABLE IF NOT EXISTS presence (
  node_id text   NOT NULL REFERENCES nodes (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id),
  PRIMARY KEY (node_id, user_id)
);
CREATE INDEX IF NOT EXISTS presence_user_idx ON presence (user_id);

-- Version 6: resume tokens. `login` and `signup` hand the client a random 32-byte token; `resume`
-- logs a later connection in with it instead of the secret, so a reconnecting client costs the server
-- one indexed lookup rather than a scrypt (docs/crypto.md § Resume tokens). Only SHA-256(token) is
-- stored: a copy of this table logs nobody in. Tokens live until expires_at (fixed at issue), until
-- the session that holds one logs out, or until the user has too many (the oldest, by id, go first).
-- resume_tokens_user_idx serves that cap; resume_tokens_expires_idx the sweep of expired tokens.
CREATE TABLE IF NOT EXISTS resume_tokens (
  id           bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  token_hash   bytea       NOT NULL UNIQUE,
  user_id      bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS resume_tokens_user_idx ON resume_tokens (user_id, id);
CREATE INDEX IF NOT EXISTS resume_tokens_expires_idx ON resume_tokens (expires_at);

-- One row per schema version this file brings the database to; keep them in ascending order.
INSERT INTO schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (3) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (4) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (5) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (6) ON CONFLICT DO NOTHING;
