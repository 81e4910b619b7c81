import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * The server's slow, salted verifier of a login secret: scrypt (RFC 7914). The parameters are stored
 * beside each verifier as text (`scrypt:N:r:p:len`), so they can be changed later without breaking
 * existing accounts: each verifier is checked with the parameters it was made with.
 */
export interface VerifierParams {
  /** CPU/memory cost, a power of two. @default 4096 (4 MiB of memory, ~9 ms per check here) */
  readonly N: number;
  /** @default 8 */
  readonly r: number;
  /** @default 1 */
  readonly p: number;
  /** Output length in bytes. @default 32 */
  readonly keyLength: number;
}

/**
 * Parameters of new verifiers. The password's expensive stretching is the client's (scrypt N=2^15
 * before the login secret is derived, password-keys.ts); this second scrypt adds a random per-account
 * salt and keeps a stolen table from being a table of secrets. N=4096 makes it a quarter of the
 * server's CPU per login that N=16384 did (docs/crypto.md § The server's verifier says what a
 * guesser gains by it). Verifiers made before keep their own parameters (`kdf`).
 */
export const DEFAULT_VERIFIER_PARAMS: VerifierParams = { N: 4096, r: 8, p: 1, keyLength: 32 };

export interface Verifier {
  readonly verifier: Buffer;
  readonly salt: Buffer;
  readonly kdf: string;
}

export function formatKdf(params: VerifierParams): string {
  return `scrypt:${params.N}:${params.r}:${params.p}:${params.keyLength}`;
}

export function parseKdf(kdf: string): VerifierParams {
  const match = /^scrypt:(\d+):(\d+):(\d+):(\d+)$/.exec(kdf);
  if (!match) throw new Error(`unknown verifier parameters "${kdf}"`);
  return { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]), keyLength: Number(match[4]) };
}

function derive(secret: Uint8Array, salt: Uint8Array, params: VerifierParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, params.keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** Makes a verifier of `secret` with a fresh 16-byte salt. */
export async function makeVerifier(secret: Uint8Array, params: VerifierParams = DEFAULT_VERIFIER_PARAMS): Promise<Verifier> {
  const salt = randomBytes(16);
  return { verifier: await derive(secret, salt, params), salt, kdf: formatKdf(params) };
}

/** True when `secret` matches; compares in constant time. */
export async function checkVerifier(secret: Uint8Array, stored: { verifier: Uint8Array; salt: Uint8Array; kdf: string }): Promise<boolean> {
  const key = await derive(secret, stored.salt, parseKdf(stored.kdf));
  return key.length === stored.verifier.length && timingSafeEqual(key, stored.verifier);
}

/** Length of a resume token (protocol.md § resume). */
export const RESUME_TOKEN_LENGTH = 32;

/** A fresh resume token: 256 random bits, so it needs no slow hash and no salt to be unguessable. */
export function newResumeToken(): Buffer {
  return randomBytes(RESUME_TOKEN_LENGTH);
}

/**
 * What the server stores of a resume token: its SHA-256. A fast hash is enough for a random 256-bit
 * value (there is no dictionary to try), and it means a copy of the table logs nobody in.
 */
export function resumeTokenHash(token: Uint8Array): Buffer {
  return createHash('sha256').update(token).digest();
}
