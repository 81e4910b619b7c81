/** Protocol limits and their defaults. Every one is named in docs/protocol.md § Limits. */

import { hasUnsafeCharacters, MAX_COMBINING_MARKS } from '../util/inert-text.js';
import type { DecodeBounds } from './msgpack-bounds.js';

/** Largest frame body accepted, in bytes. @default 1 MiB */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Hard ceiling for a configured frame limit. Keeping every legal length below 16 MiB keeps the
 * first byte of a framed connection 0x00, which is what codec sniffing relies on (protocol.md § Sniffing).
 */
export const MAX_FRAME_BYTES_CEILING = 16 * 1024 * 1024 - 1;

/**
 * What a frame may hold, checked before it is decoded (protocol.md § Limits): maps of at most 64
 * entries (no message has a quarter of that; unknown fields are allowed and dropped), nesting at most
 * 8 deep (the deepest message nests 3), 65,536 map entries and array elements in all (a `sync` of
 * SYNC_CURSORS_MAX cursors holds 30,000).
 */
export const DEFAULT_DECODE_BOUNDS: DecodeBounds = { maxDepth: 8, maxMapEntries: 64, maxItems: 65_536 };

/**
 * A connection that has not logged in (and every coordinator connection) is held to far less: its
 * requests are `hello`, `ping`, `route`, `signup` (about 33 KiB at most), `login` and `resume`. The
 * server has no user to pace or hold to account yet, so a frame it must decode costs little.
 */
export const PRE_LOGIN_FRAME_LIMITS: DecodeBounds & { readonly maxFrameBytes: number } = {
  maxFrameBytes: 64 * 1024,
  maxDepth: 4,
  maxMapEntries: 32,
  maxItems: 256,
};

/**
 * Frames from the server, as the client decodes them: server replies are larger (a `sync` of many
 * conversations, each with its members), so only the shape is bounded, not the count.
 */
export const SERVER_FRAME_BOUNDS: DecodeBounds = { maxDepth: 16, maxMapEntries: 64, maxItems: Number.MAX_SAFE_INTEGER };

/** Largest unfinished legacy JSON object held in memory, in bytes. @default 64 KiB */
export const DEFAULT_LEGACY_MAX_OBJECT_BYTES = 64 * 1024;

/** Deepest nesting of a legacy JSON object. The 2022 protocol nests three levels at most. @default 32 */
export const DEFAULT_LEGACY_MAX_DEPTH = 32;

/** Size of the frame length prefix, in bytes. */
export const FRAME_HEADER_BYTES = 4;

/** User names: 3-32 characters, a letter first, then letters, digits, `_`, `.` or `-`. */
export const USER_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{2,31}$/;
export const USER_NAME_MAX = 32;

/** Group names: 1-64 characters. */
export const GROUP_NAME_MAX = 64;

/** What a name shown to others may not hold (util/inert-text.ts): both protocols refuse it in group names. */
export const UNSAFE_TEXT = {
  test: hasUnsafeCharacters,
  hint: `must not contain control, bidirectional or invisible characters, or over ${MAX_COMBINING_MARKS} combining marks on one character`,
} as const;

/** Largest message body (the sender's ciphertext envelope), in bytes. @default 64 KiB */
export const MESSAGE_BODY_MAX_BYTES = 64 * 1024;

/** Client-chosen message ids: 1-64 characters (a UUID fits). */
export const CLIENT_ID_MAX = 64;

/** Login secrets (derived by the client from the password): 16-256 bytes. */
export const SECRET_MIN_BYTES = 16;
export const SECRET_MAX_BYTES = 256;

/** Public key material published at signup. @default 8 KiB */
export const PUBLIC_KEY_MAX_BYTES = 8 * 1024;

/** A key change's signature (`publish_keys` keyProof): RSA-PSS by a key of at most 8,192 bits. */
export const KEY_PROOF_MAX_BYTES = 1024;

/** Members named when creating a group (the creator aside). */
export const GROUP_MEMBERS_MAX = 1000;

/** Current members of one group, the creator and GROUP_MEMBERS_MAX others; a `group_add` past it is `conflict`. */
export const GROUP_SIZE_MAX = GROUP_MEMBERS_MAX + 1;

/**
 * Groups one user may currently be a member of (protocol.md § Limits); a `group_create` or `group_add`
 * that would pass it is `conflict`, naming who. Anyone may put anyone into a group, so this is what
 * bounds what others can load onto a user: their `sync` reply holds every group's view, up to about
 * 85 bytes a member with every id and cursor at its widest, so 40 full groups are at most about 3.4 MB:
 * under half the 8 MiB a server queues for one connection (room for the backlog that follows), under
 * the client's frame limit (test/security/forced-membership.test.ts encodes that reply).
 */
export const GROUPS_PER_USER_MAX = 40;

/** Users per `users` page, and messages per `history` page. */
export const USERS_PAGE_MAX = 500;
export const HISTORY_PAGE_MAX = 200;

/**
 * Message bodies one `history` reply carries at most, in bytes: past it the page stops at the newest
 * rows that fit (always at least one) and says `more`. 200 bodies of MESSAGE_BODY_MAX_BYTES would be a
 * 12.8 MiB reply, past the server's outbound limit (a client dropped as a slow consumer for reading
 * its own history, for ever: docs/security.md). @default 1 MiB
 */
export const HISTORY_REPLY_MAX_BYTES = 1024 * 1024;

/** Node ports a `route` may name as ones to avoid (the client just failed to reach them). */
export const ROUTE_AVOID_MAX = 8;

/** Cursors a `sync` may carry. */
export const SYNC_CURSORS_MAX = 10_000;

/** A private-key backup (sealed by the client) stored with the account. @default 16 KiB */
export const KEY_BACKUP_MAX_BYTES = 16 * 1024;

/** Users looked up by id in one `users` request. */
export const USER_IDS_MAX = 500;

/** Resume tokens (protocol.md § resume): random bytes the server hands out at login and signup. */
export const RESUME_TOKEN_BYTES = 32;

/**
 * How long a resume token lives from the login that issued it. Fixed, not extended by use, so a
 * leaked token dies on its own; a client still running then logs in with its secret again. @default 30 days
 */
export const RESUME_TOKEN_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Resume tokens a user keeps at most: a new one deletes the oldest beyond this. Each process of the
 * user (a TUI, every one-shot command) gets one at login and forgets it on exit. @default 20
 */
export const RESUME_TOKENS_PER_USER = 20;

/** Users one user may block at once (protocol.md § block); a block past it is `conflict`. No more than one `users` request names (USER_IDS_MAX). */
export const BLOCKS_PER_USER = 500;

/**
 * Sends a user may make per second on one node, sustained, across all their sessions there (a token
 * bucket refilled at this rate). A person types a few messages a second at most; this leaves room for
 * scripts and the legacy copies a message to a mixed group needs, and stops one account flooding the
 * writer every other user shares. 0 turns the limit off. @default 50
 */
export const DEFAULT_SEND_RATE_PER_S = 50;

/**
 * Sends a user may make at once before the sustained rate applies (the bucket's size). As large as the
 * largest group, so one message to a group of legacy members (one copy each, and a 2022 client sends
 * one `group-message` per member) always fits, as does a reconnecting client's outbox. @default 1,000
 */
export const DEFAULT_SEND_BURST = GROUP_MEMBERS_MAX;

/**
 * Requests other than `send` a logged-in user's sessions on one node may start per second, sustained
 * (a token bucket per user). Nothing is refused: past it, the session stops reading and the request
 * waits its turn. A client makes a few dozen at start-up and a few a minute after; a client that asks
 * for directory pages or history without end gets this many answered, not as many as it writes
 * (docs/benchmarks.md § flood: a burst of 100 directory pages was enough to double others' p99).
 * 0 turns the pace off. @default 10
 */
export const DEFAULT_REQUEST_PACE_PER_S = 10;

/** Requests other than `send` a user may start at once before the pace applies. @default 20 */
export const DEFAULT_REQUEST_PACE_BURST = 20;

/**
 * `login`, `signup` and `resume` per second per remote address on one node, sustained, and at once (a
 * token bucket): past it they wait their turn, none is refused. Before login there is no user to pace
 * by, and each costs a slow hash or a session's set-up: 32 loops of successful logins took other users'
 * send p50 from 11 to 124 ms (issue 17, finding 10). A person logs in a few times a day; an office
 * behind one address at 9 o'clock still gets 100 logins in 16 s. @default 5 per second, bursts of 20
 */
export const DEFAULT_LOGIN_PACE_PER_S = 5;
export const DEFAULT_LOGIN_PACE_BURST = 20;

/**
 * Open connections per remote address on one server process, all ports together. Generous, since
 * many people may share one NAT address; it bounds what one host can hold, not what a user may.
 * 0 turns the limit off. @default 256
 */
export const DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 256;

/**
 * How long a node connection may stay without a logged-in user (from connect, or from `logout`),
 * silent ones included, before it is closed with `idle_timeout`. A client logs in within a second of
 * connecting; this only sheds connections that hold a slot and say nothing. 0 turns it off. @default 30 s
 */
export const DEFAULT_LOGIN_TIMEOUT_MS = 30_000;

/**
 * How long a frame may take to arrive once its first byte has: past it the connection is closed
 * (`idle_timeout`). Without it a connection, logged in or not, could park a frame of nearly the frame
 * limit, a byte short, for ever (issue 17, finding 10). A 1 MiB frame at 20 KiB/s still fits. @default 60 s
 */
export const DEFAULT_FRAME_TIMEOUT_MS = 60_000;

/**
 * How long a coordinator connection may stay open: it serves one `route` (or `add-connection`) and
 * nothing else, so it has no reason to linger. 0 turns it off. @default 10 s
 */
export const DEFAULT_COORDINATOR_TIMEOUT_MS = 10_000;
