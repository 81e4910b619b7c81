/** Options of a SessionKeyCache. */
export interface SessionKeyCacheOptions {
  /** Keys kept; the least recently used goes first. @default 4096 */
  readonly maxEntries?: number;
}

export const DEFAULT_SESSION_KEY_CACHE_ENTRIES = 4096;

/**
 * A recipient's unwrapped session keys, by (conversation, sender, session id): a backlog of N messages
 * in S sessions costs S RSA private operations, not N. In memory only, least-recently-used eviction
 * beyond `maxEntries` (an evicted key is unwrapped again from its session's first message if needed).
 */
export class SessionKeyCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly maxEntries: number;

  constructor(options: SessionKeyCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? DEFAULT_SESSION_KEY_CACHE_ENTRIES;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries must be a positive integer, not ${this.maxEntries}`);
  }

  /** Keys currently held. */
  get size(): number {
    return this.entries.size;
  }

  /** The key of a session, or undefined; marks it recently used. */
  get(conversationId: number, senderId: number, sessionId: Uint8Array): Buffer | undefined {
    const id = cacheKey(conversationId, senderId, sessionId);
    const key = this.entries.get(id);
    if (key) {
      this.entries.delete(id);
      this.entries.set(id, key);
    }
    return key;
  }

  /** Remembers the key of a session (replacing any), evicting the least recently used beyond the cap. */
  set(conversationId: number, senderId: number, sessionId: Uint8Array, key: Buffer): void {
    const id = cacheKey(conversationId, senderId, sessionId);
    this.entries.delete(id);
    this.entries.set(id, key);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Forgets one session's key. */
  delete(conversationId: number, senderId: number, sessionId: Uint8Array): void {
    this.entries.delete(cacheKey(conversationId, senderId, sessionId));
  }

  /** Forgets every key (on logout). */
  clear(): void {
    this.entries.clear();
  }
}

function cacheKey(conversationId: number, senderId: number, sessionId: Uint8Array): string {
  return `${conversationId}:${senderId}:${Buffer.from(sessionId.buffer, sessionId.byteOffset, sessionId.byteLength).toString('hex')}`;
}
