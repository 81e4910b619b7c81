import { hkdf, scrypt } from 'node:crypto';

/** scrypt cost of the password (RFC 7914). Tests inject cheaper ones; production uses the default. */
export interface PasswordKdfParams {
  /** CPU/memory cost, a power of two. @default 32768 (32 MiB, ~0.1 s here) */
  readonly N: number;
  /** Block size. @default 8 */
  readonly r: number;
  /** Parallelism. @default 1 */
  readonly p: number;
}

export const DEFAULT_PASSWORD_KDF_PARAMS: PasswordKdfParams = { N: 2 ** 15, r: 8, p: 1 };

/** The three keys one password yields; each is 32 bytes, and none reveals another. */
export interface PasswordKeys {
  /** Sent to the server at signup and login; the server keeps only its own slow verifier of it. */
  readonly loginSecret: Buffer;
  /** Encrypts the identity-key backup the server stores (key-backup.ts). Never leaves the client. */
  readonly backupKey: Buffer;
  /** Protects local files, such as the passphrase of the identity-key PEM. Never leaves the client. */
  readonly localKey: Buffer;
}

/** Domain label of the scrypt salt; changing it changes every derived key. */
export const PASSWORD_SALT_LABEL = 'fastchat/v1/password:';

/** HKDF `info` labels, one per derived key. */
const INFO = {
  loginSecret: 'fastchat/v1/login-secret',
  backupKey: 'fastchat/v1/key-backup',
  localKey: 'fastchat/v1/local-key',
} as const;

/**
 * Derives the login secret, the backup key and the local key from a user's name and password.
 *
 * One scrypt of the password (NFC-normalised, UTF-8) with the salt
 * `"fastchat/v1/password:" + name.toLowerCase()` (NFC, UTF-8) gives a 32-byte master secret that never
 * leaves this function; HKDF-SHA256 (RFC 5869, empty salt) expands it under three distinct `info`
 * labels into three independent 32-byte keys. The salt depends only on the name, so every machine the
 * user logs in from derives the same keys without asking the server for anything.
 *
 * Why the server cannot read the backup: it only ever sees `loginSecret`, one HKDF output. HKDF outputs
 * under different labels are independent pseudo-random values of the master secret, so knowing one says
 * nothing about another; the server's only way to `backupKey` is to guess the password and pay a full
 * scrypt per guess, as any attacker would.
 */
export async function derivePasswordKeys(
  name: string,
  password: string,
  params: PasswordKdfParams = DEFAULT_PASSWORD_KDF_PARAMS,
): Promise<PasswordKeys> {
  const salt = Buffer.from(PASSWORD_SALT_LABEL + name.normalize('NFC').toLowerCase(), 'utf8');
  const master = await runScrypt(Buffer.from(password.normalize('NFC'), 'utf8'), salt, params);
  try {
    const [loginSecret, backupKey, localKey] = await Promise.all([
      expand(master, INFO.loginSecret),
      expand(master, INFO.backupKey),
      expand(master, INFO.localKey),
    ]);
    return { loginSecret, backupKey, localKey };
  } finally {
    master.fill(0);
  }
}

function runScrypt(password: Buffer, salt: Buffer, params: PasswordKdfParams): Promise<Buffer> {
  // node refuses N * r * 128 bytes at or above maxmem, which defaults to exactly 32 MiB.
  const options = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r };
  return new Promise((resolve, reject) => scrypt(password, salt, 32, options, (error, key) => (error ? reject(error) : resolve(key))));
}

function expand(master: Buffer, info: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    hkdf('sha256', master, Buffer.alloc(0), info, 32, (error, key) => (error ? reject(error) : resolve(Buffer.from(key)))),
  );
}
