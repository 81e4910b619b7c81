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

-- Version 9: blocks. A user who blocks another takes no direct messages from them (a send into their
-- direct conversation is refused, and stored nowhere) and cannot be put into a group by them
-- (group_create, group_add). blocks_blocked_idx serves the check at every commit of a message.
CREATE TABLE IF NOT EXISTS blocks (
  blocker    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked    bigint      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blocker, blocked),
  CHECK (blocker <> blocked)
);
CREATE INDEX IF NOT EXISTS blocks_blocked_idx ON blocks (blocked, blocker);

-- Version 7: the group commit in one round trip. fastchat_commit_messages does what the server's
-- writer used to do in five statements (BEGIN, lock, check, append, COMMIT), called alone in
-- autocommit. Each statement of a plpgsql function takes a fresh snapshot, so the check, which runs
-- after the conversations are locked, sees every membership change committed before the lock was
-- granted, as before. Items are decided in order, as if committed one by one: a (sender, client id)
-- already stored is a duplicate of that message; the first item of a (sender, client id) whose sender
-- is a member is stored, later ones in the batch are duplicates of it; any other item is forbidden.
-- Returns one row per item, in order, with the message (stored or found) unless forbidden.
CREATE OR REPLACE FUNCTION fastchat_commit_messages(
  p_conversation bigint[], p_sender bigint[], p_client text[], p_body bytea[]
) RETURNS TABLE (
  ord bigint, status text, mid bigint, conversation_id bigint, seq bigint, sender_id bigint,
  client_id text, kind text, body bytea, subject_id bigint, created_at timestamptz
) LANGUAGE plpgsql VOLATILE
-- The planner cannot know how many rows each step yields and would join them by nested loops,
-- quadratic in the batch size; table lookups below are subqueries on indexes, not joins.
SET enable_nestloop = off
AS $fn$
BEGIN
  -- The lock every writer of a conversation's sequence takes, in id order (no deadlocks).
  PERFORM 1 FROM conversations AS c WHERE c.id = ANY(p_conversation) ORDER BY c.id FOR NO KEY UPDATE;
  RETURN QUERY
  WITH items AS (
    SELECT u.ord, u.conversation_id, u.sender_id, u.client_id, u.body,
      (SELECT g.mid FROM messages AS g WHERE g.sender_id = u.sender_id AND g.client_id = u.client_id) AS existing,
      EXISTS (
        SELECT 1 FROM members AS p
        WHERE p.conversation_id = u.conversation_id AND p.user_id = u.sender_id AND p.left_seq IS NULL
      ) AS member,
      -- Version 9: the other user of a direct conversation blocked the sender. In the usual case
      -- one probe of blocks_blocked_idx that finds nothing decides it (CASE stops there).
      CASE
        WHEN NOT EXISTS (SELECT 1 FROM blocks AS b WHERE b.blocked = u.sender_id) THEN false
        WHEN (SELECT k.kind FROM conversations AS k WHERE k.id = u.conversation_id) IS DISTINCT FROM 'direct' THEN false
        ELSE EXISTS (
          SELECT 1 FROM blocks AS b
          WHERE b.blocked = u.sender_id
            AND b.blocker = ANY (ARRAY(SELECT o.user_id FROM members AS o WHERE o.conversation_id = u.conversation_id))
        )
      END AS blocked
    FROM unnest(p_conversation, p_sender, p_client, p_body)
      WITH ORDINALITY AS u(conversation_id, sender_id, client_id, body, ord)
  ), decided AS (
    -- first_ord: the first item of this (sender, client id) that may be stored, if any.
    SELECT i.*, min(i.ord) FILTER (WHERE i.existing IS NULL AND i.member AND NOT i.blocked)
      OVER (PARTITION BY i.sender_id, i.client_id) AS first_ord
    FROM items AS i
  ), fresh AS (
    SELECT d.*, row_number() OVER (PARTITION BY d.conversation_id ORDER BY d.ord) AS k
    FROM decided AS d WHERE d.first_ord = d.ord
  ), allocated AS (
    UPDATE conversations AS cv SET last_seq = cv.last_seq + counts.n
    FROM (SELECT fr.conversation_id AS id, count(*) AS n FROM fresh AS fr GROUP BY fr.conversation_id) AS counts
    WHERE cv.id = counts.id
    RETURNING cv.id, cv.last_seq - counts.n AS base
  ), inserted AS (
    INSERT INTO messages (conversation_id, seq, sender_id, client_id, kind, body, subject_id)
    SELECT fr.conversation_id, a.base + fr.k, fr.sender_id, fr.client_id, 'message', fr.body, NULL
    FROM fresh AS fr JOIN allocated AS a ON a.id = fr.conversation_id
    ORDER BY fr.ord
    RETURNING messages.mid, messages.conversation_id, messages.seq, messages.sender_id,
      messages.client_id, messages.kind, messages.body, messages.subject_id, messages.created_at
  ), found AS (
    SELECT d.ord, (SELECT g FROM messages AS g WHERE g.mid = d.existing) AS g FROM decided AS d WHERE d.existing IS NOT NULL
  )
  SELECT d.ord,
    CASE
      WHEN d.existing IS NOT NULL THEN 'duplicate'
      WHEN d.first_ord = d.ord THEN 'stored'
      WHEN d.first_ord < d.ord THEN 'duplicate'
      WHEN d.member AND d.blocked THEN 'blocked'
      ELSE 'forbidden'
    END,
    coalesce((f.g).mid, n.mid), coalesce((f.g).conversation_id, n.conversation_id), coalesce((f.g).seq, n.seq),
    coalesce((f.g).sender_id, n.sender_id), coalesce((f.g).client_id, n.client_id), coalesce((f.g).kind, n.kind),
    coalesce((f.g).body, n.body), coalesce((f.g).subject_id, n.subject_id), coalesce((f.g).created_at, n.created_at)
  FROM decided AS d
  LEFT JOIN found AS f ON f.ord = d.ord
  LEFT JOIN inserted AS n ON d.existing IS NULL AND d.first_ord <= d.ord
    AND n.sender_id = d.sender_id AND n.client_id = d.client_id
  ORDER BY d.ord;
END
$fn$;

-- One row per schema version this file brings the database to; keep them in ascending order.
INSERT INTO schema_version (version) VALUES (1) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (2) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (3) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (4) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (5) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (6) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (7) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (8) ON CONFLICT DO NOTHING;
INSERT INTO schema_version (version) VALUES (9) ON CONFLICT DO NOTHING;

-- Version 8: the proof that came with a user's current identity key: the previous key's signature
-- over the change (docs/crypto.md § Key changes), kept so a contact's client can check the change
-- against the key it pinned. NULL for a key published first, at signup or since.
ALTER TABLE users ADD COLUMN IF NOT EXISTS key_proof bytea;
