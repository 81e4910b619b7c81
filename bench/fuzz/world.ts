import { generateKeyPairSync, createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatServer } from '../../src/server/chat-server.js';
import { PortLoad } from '../../src/server/ports/port-load.js';
import { createServices, type ServerServices } from '../../src/server/services.js';
import { openDatabase } from '../../src/store/open-database.js';
import type { Database } from '../../src/store/database.js';
import { SqlChatStore } from '../../src/store/sql-chat-store.js';
import type { Logger } from '../../src/util/logger.js';

/** Seeded accounts the generators log in as (their secrets are derived from their names). */
export const MODERN_USERS = ['fuzz_a', 'fuzz_b', 'fuzz_c', 'fuzz_d', 'fuzz_e', 'fuzz_f'];
export const LEGACY_USERS = ['LEGACY_A', 'LEGACY_B', 'LEGACY_C'];

/** A seeded user's login secret: deterministic, so a generated script can log in without the world. */
export function secretOf(name: string): Buffer {
  return createHash('sha256').update(`fuzz:${name}`).digest();
}

/** A seeded legacy user's password (the 2022 client sends 64 hex digits). */
export function passwordOf(name: string): string {
  return secretOf(name).toString('hex');
}

/** One RSA key as the 2022 client writes it, `PublicKey(n, e)`, for legacy signups. */
export const LEGACY_KEY_TEXT = (() => {
  const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
  const jwk = publicKey.export({ format: 'jwk' });
  const big = (b64: string) => BigInt(`0x${Buffer.from(b64, 'base64url').toString('hex')}`).toString(10);
  return `PublicKey(${big(jwk.n!)}, ${big(jwk.e!)})`;
})();

/** The server under fuzz: the real core and services on a fresh embedded database. */
export interface FuzzWorld {
  readonly core: ChatServer;
  readonly services: ServerServices;
  readonly database: Database;
  /** Every line the server logged at `error` level: each one is a handler that failed unexpectedly. */
  readonly errorLogs: string[];
  close(): Promise<void>;
}

/** A logger that keeps `error` lines (the fuzzer's "internal failure" signal) and drops the rest. */
function capturingLogger(lines: string[]): Logger {
  const ignore = () => {};
  return {
    debug: ignore,
    info: ignore,
    warn: ignore,
    error: (message, fields) => void lines.push(`${message} ${JSON.stringify(fields ?? {})}`),
  };
}

export async function openFuzzWorld(): Promise<FuzzWorld> {
  const folder = await mkdtemp(join(tmpdir(), 'fastchat-fuzz-'));
  const database = await openDatabase({ dataDir: join(folder, 'db') });
  const store = new SqlChatStore(database);
  const errorLogs: string[] = [];
  const services = createServices({
    logger: capturingLogger(errorLogs),
    load: new PortLoad(),
    store,
    maxFrameBytes: 1024 * 1024,
    listenHost: '127.0.0.1',
    // Cheap scrypt: the fuzzer logs in thousands of times; the verifier's strength is not under test.
    verifierParams: { N: 16, r: 1, p: 1, keyLength: 32 },
    // No request pace: thousands of scripts share six accounts, and at 10 requests a second per user
    // they would mostly wait their turn. The pace has tests of its own (limits-request-pace); the
    // send rate, with its holds, stays on.
    requestPace: { perSecond: 0 },
    // Nor a login pace: every script logs in, all from 127.0.0.1 (test/security/login-pace.test.ts).
    loginPace: { perSecond: 0 },
  });
  const core = new ChatServer(services);
  return {
    core,
    services,
    database,
    errorLogs,
    close: async () => {
      await core.close(500);
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
