/**
 * What nodes sharing a database tell each other over PostgreSQL NOTIFY (docs/deploy.md). Payloads are
 * references (a conversation id, a user id), never message contents: well under NOTIFY's 8000-byte
 * limit whatever was sent, and the receiving node reads what it needs from the tables.
 */
export type ClusterEvent =
  /** Rows were committed in conversations `cs` (one group commit): catch their feeds up. */
  | { readonly t: 'msg'; readonly cs: readonly number[] }
  /** Membership of `c` changed (`s`: the user concerned). */
  | { readonly t: 'members'; readonly c: number; readonly s?: number }
  | { readonly t: 'typing'; readonly c: number; readonly u: number }
  | { readonly t: 'receipt'; readonly c: number; readonly u: number; readonly d: number; readonly r: number }
  | { readonly t: 'presence'; readonly u: number; readonly on: boolean; readonly ls?: number }
  /** User `u` published keys: tell their sessions here (a `keys` push). */
  | { readonly t: 'keys'; readonly u: number }
  /**
   * User `u`'s tokens were revoked (end_session, change_password): end their sessions here whose token
   * is gone; `pw` (the password changed) also those without a token.
   */
  | { readonly t: 'sessions'; readonly u: number; readonly pw?: true }
  /**
   * User `u` logged in, or signed up (`fresh`), on the sending node, `nm` being the name as their
   * client wrote it: legacy connections here are told (`old_user` / `new_user`), as on that node.
   */
  | { readonly t: 'joined'; readonly u: number; readonly fresh?: true; readonly nm?: string };

export const CLUSTER_CHANNEL = 'fastchat_events';

/**
 * Conversations named by one `msg` event at most: 400 ids of up to 16 digits keep the payload under
 * NOTIFY's 8000 bytes. A group commit touching more conversations is announced in several events.
 */
export const MSG_EVENT_MAX_CONVERSATIONS = 400;

/** The `msg` events announcing one group commit's conversations. */
export function messageEvents(conversations: Iterable<number>): ClusterEvent[] {
  const ids = [...new Set(conversations)];
  const events: ClusterEvent[] = [];
  for (let i = 0; i < ids.length; i += MSG_EVENT_MAX_CONVERSATIONS)
    events.push({ t: 'msg', cs: ids.slice(i, i + MSG_EVENT_MAX_CONVERSATIONS) });
  return events;
}

export function encodeClusterEvent(node: string, event: ClusterEvent): string {
  return JSON.stringify({ n: node, ...event });
}

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;
const isSeq = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/** The sending node and its event, or undefined for anything malformed (logged by the caller). */
export function decodeClusterEvent(payload: string): { node: string; event: ClusterEvent } | undefined {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(payload) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const node = value.n;
  if (typeof node !== 'string' || typeof value !== 'object' || value === null) return undefined;
  switch (value.t) {
    case 'msg':
      return Array.isArray(value.cs) && value.cs.length > 0 && value.cs.length <= MSG_EVENT_MAX_CONVERSATIONS && value.cs.every(isId)
        ? { node, event: { t: 'msg', cs: value.cs } }
        : undefined;
    case 'members':
      return isId(value.c) ? { node, event: { t: 'members', c: value.c, ...(isId(value.s) ? { s: value.s } : {}) } } : undefined;
    case 'typing':
      return isId(value.c) && isId(value.u) ? { node, event: { t: 'typing', c: value.c, u: value.u } } : undefined;
    case 'receipt':
      return isId(value.c) && isId(value.u) && isSeq(value.d) && isSeq(value.r)
        ? { node, event: { t: 'receipt', c: value.c, u: value.u, d: value.d, r: value.r } }
        : undefined;
    case 'presence':
      return isId(value.u) && typeof value.on === 'boolean'
        ? { node, event: { t: 'presence', u: value.u, on: value.on, ...(isSeq(value.ls) ? { ls: value.ls } : {}) } }
        : undefined;
    case 'keys':
      return isId(value.u) ? { node, event: { t: 'keys', u: value.u } } : undefined;
    case 'sessions':
      return isId(value.u)
        ? { node, event: { t: 'sessions', u: value.u, ...(value.pw === true ? { pw: true as const } : {}) } }
        : undefined;
    case 'joined':
      // The name only ever replaces the account's own name in another letter case (LegacyDirectory).
      return isId(value.u) && (value.nm === undefined || (typeof value.nm === 'string' && value.nm.length <= 64))
        ? {
            node,
            event: {
              t: 'joined',
              u: value.u,
              ...(value.fresh === true ? { fresh: true as const } : {}),
              ...(typeof value.nm === 'string' ? { nm: value.nm } : {}),
            },
          }
        : undefined;
    default:
      return undefined;
  }
}
