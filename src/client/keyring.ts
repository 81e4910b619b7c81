import type { KeyObject } from 'node:crypto';
import { BadKeyError, fingerprint, importPublicKey, verifyKeyChange } from '../crypto/index.js';
import type { UserView } from '../protocol/index.js';
import type { ClientState } from './client-state.js';

/** What the client knows of a user's key. */
export interface ContactKey {
  readonly userId: number;
  readonly name: string;
  readonly fingerprint: string;
  readonly publicKey: KeyObject;
  /** The server now shows a different key than the one pinned: not trusted until accepted. */
  readonly changed: boolean;
  /** The pinned fingerprint, when `changed`. */
  readonly pinnedFingerprint?: string;
  /**
   * When `changed`: whether the key pinned signed the change to this one (docs/crypto.md § Key
   * changes) — the owner made it with their old key. Still not trusted until accepted: a stolen old
   * key could sign too, so the person is asked, but told which of the two cases this is.
   */
  readonly signedByPinned?: boolean;
}

/** A legacy (2022) user: reached only through the legacy scheme, with the key their client published. */
export interface LegacyContact {
  readonly userId: number;
  readonly name: string;
  /** SPKI DER of their RSA key (shown to them as `PublicKey(n, e)`). */
  readonly legacyKey: Uint8Array;
}

/** How a changed key came, for the warnings that show it (TUI /fingerprint, fastchat keys fingerprint). */
export function keyChangeNote(contact: ContactKey): string {
  return contact.signedByPinned ? 'signed by the key you had pinned' : 'NOT signed by the key you had pinned';
}

/** Whether the key pinned (base64 SPKI DER) signed the change to the user's current key. */
function signedBy(pinnedKey: string, user: UserView): boolean {
  return user.keyProof !== undefined && verifyKeyChange(Buffer.from(pinnedKey, 'base64'), user.id, user.publicKey!, user.keyProof);
}

/**
 * Other users' public keys, checked against the ones first seen (trust on first use): a key that
 * changes is reported as changed, never silently trusted, until the person accepts it (`trust`).
 */
export class Keyring {
  readonly #keys = new Map<number, ContactKey>();
  readonly #legacy = new Map<number, LegacyContact>();
  readonly #fetchedAt = new Map<number, number>();
  readonly #names = new Map<number, string>();
  /** Users whose published key no client can use, and why (a server that let it through, or lies). */
  readonly #unusable = new Map<number, string>();

  constructor(
    private readonly state: ClientState,
    private readonly lookup: (ids: number[]) => Promise<readonly UserView[]>,
  ) {}

  /**
   * Known keys for `ids`, looked up on the server for those not known yet (or, with `maxAgeMs`, not
   * looked up that recently). Users without a key are left out.
   */
  async keysOf(ids: readonly number[], maxAgeMs = Infinity): Promise<Map<number, ContactKey>> {
    const now = Date.now();
    const missing = ids.filter((id) => !this.#fetchedAt.has(id) || now - (this.#fetchedAt.get(id) ?? 0) > maxAgeMs);
    if (missing.length > 0) await this.refresh(missing);
    return new Map(ids.flatMap((id) => (this.#keys.has(id) ? [[id, this.#keys.get(id)!] as const] : [])));
  }

  /** Looks the users up again (their key may have changed). */
  async refresh(ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      for (const user of await this.lookup(ids.slice(i, i + 500))) this.learn(user);
    }
  }

  /** Records a user's key as the server shows it, comparing it with the pin. */
  learn(user: UserView): ContactKey | undefined {
    this.#names.set(user.id, user.name);
    if (user.kind === 'legacy') {
      // A legacy user's key is for the legacy scheme only: never a modern contact key (docs/legacy.md).
      this.#fetchedAt.set(user.id, Date.now());
      if (user.legacyKey) this.#legacy.set(user.id, { userId: user.id, name: user.name, legacyKey: user.legacyKey });
      return undefined;
    }
    this.#fetchedAt.set(user.id, Date.now());
    if (!user.publicKey) return undefined;
    let publicKey: KeyObject;
    try {
      publicKey = importPublicKey(user.publicKey);
    } catch (error) {
      if (!(error instanceof BadKeyError)) throw error;
      // Like a user without a key: nothing is sealed for it, nothing of theirs verifies, nothing is
      // pinned; shown as such (unusableKey), never an error for whoever lists or reads them.
      this.#keys.delete(user.id);
      this.#unusable.set(user.id, error.message);
      return undefined;
    }
    this.#unusable.delete(user.id);
    const print = fingerprint(user.publicKey);
    const pin = this.state.pin(user.id);
    if (!pin) this.state.setPin(user.id, { name: user.name, fingerprint: print, key: Buffer.from(user.publicKey).toString('base64') });
    const changed = pin !== undefined && pin.fingerprint !== print;
    this.#fetchedAt.set(user.id, Date.now());
    const contact: ContactKey = {
      userId: user.id,
      name: user.name,
      fingerprint: print,
      publicKey,
      changed,
      ...(changed ? { pinnedFingerprint: pin.fingerprint, signedByPinned: signedBy(pin.key, user) } : {}),
    };
    this.#keys.set(user.id, contact);
    return contact;
  }

  /** Accepts a user's current key: it becomes the pin. */
  trust(userId: number): ContactKey | undefined {
    const contact = this.#keys.get(userId);
    if (!contact) return undefined;
    const key = contact.publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    this.state.setPin(userId, { name: contact.name, fingerprint: contact.fingerprint, key });
    const trusted: ContactKey = {
      userId,
      name: contact.name,
      fingerprint: contact.fingerprint,
      publicKey: contact.publicKey,
      changed: false,
    };
    this.#keys.set(userId, trusted);
    return trusted;
  }

  /** The name of a user this keyring has looked up (any kind), if any. */
  nameOf(userId: number): string | undefined {
    return this.#names.get(userId);
  }

  /** Why the key a user published cannot be used, when it cannot (learn() left it out). */
  unusableKey(userId: number): string | undefined {
    return this.#unusable.get(userId);
  }

  get(userId: number): ContactKey | undefined {
    return this.#keys.get(userId);
  }

  /** The legacy users among `ids` (as last looked up by keysOf). */
  legacyOf(ids: readonly number[]): Map<number, LegacyContact> {
    return new Map(ids.flatMap((id) => (this.#legacy.has(id) ? [[id, this.#legacy.get(id)!] as const] : [])));
  }

  /** The legacy user with this id, if known. */
  legacyContact(userId: number): LegacyContact | undefined {
    return this.#legacy.get(userId);
  }
}
