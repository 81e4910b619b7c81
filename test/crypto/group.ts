import type { KeyObject } from 'node:crypto';
import { importPublicKey, publicKeyDer } from '../../src/crypto/identity.js';
import { encodeContent, sealMessage, type OutboundSession } from '../../src/crypto/envelope.js';
import { identityKeys } from './keys.js';

/** Users of the envelope tests: ids 1–3 are the group, 4 is an outsider. */
export const ALICE = 1;
export const BOB = 2;
export const CAROL = 3;
export const MALLORY = 4;
export const CONVERSATION = 7;

export interface Users {
  readonly privateKeys: ReadonlyMap<number, KeyObject>;
  /** Public keys imported from SPKI DER, as a client gets them from the server. */
  readonly publicKeys: ReadonlyMap<number, KeyObject>;
  privateKey(id: number): KeyObject;
  publicKey(id: number): KeyObject;
}

/** Generates real RSA-3072 keys for users 1–4 (call in beforeAll). */
export async function makeUsers(): Promise<Users> {
  const keys = await identityKeys(4);
  const privateKeys = new Map(keys.map((key, i) => [i + 1, key]));
  const publicKeys = new Map(keys.map((key, i) => [i + 1, importPublicKey(publicKeyDer(key))]));
  return {
    privateKeys,
    publicKeys,
    privateKey: (id) => privateKeys.get(id)!,
    publicKey: (id) => publicKeys.get(id)!,
  };
}

/** Seals `text` from `senderId` under `session`, as the sending client does. */
export function sealText(users: Users, session: OutboundSession, text: string, senderId = ALICE, conversationId = CONVERSATION): Buffer {
  return sealMessage({
    session,
    conversationId,
    senderId,
    senderKey: users.privateKey(senderId),
    recipientKeys: users.publicKeys,
    plaintext: encodeContent({ text, sentAt: 1_764_000_000_000 }),
  });
}
