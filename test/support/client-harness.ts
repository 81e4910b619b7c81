import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { ChatClient } from '../../src/client/chat-client.js';
import type { ClientTls } from '../../src/client/connect.js';
import { ServerTrust } from '../../src/client/server-trust.js';
import type { ChatMessage } from '../../src/client/message-reader.js';
import { testAccountKeys } from './key-pool.js';
import { startTestServer, type TestServer } from './start-server.js';
import { WAIT_MS } from './wait.js';

export interface OpenOptions {
  home?: string;
  password?: string;
  coordinatorPort?: number;
  /** Start receiving at once. Pass false to attach listeners first, then call start(). @default true */
  start?: boolean;
  /** Connect with TLS: 'tofu' pins in the client's home (servers.json), or a ClientTls. */
  tls?: 'tofu' | ClientTls;
  /** The client's deadline of connecting and of each request (ChatClientOptions.timeoutMs). */
  timeoutMs?: number;
}

/** Real clients against a real server, each with its own home folder unless told otherwise. */
export interface TestClients {
  /** A client with its own fresh home folder (started unless `start: false`). */
  open(name: string, mode: 'signup' | 'login', options?: OpenOptions): Promise<ChatClient>;
  /** A fresh home folder, removed at cleanup. */
  home(): Promise<string>;
  /** Closes every client and removes every folder. */
  cleanup(): Promise<void>;
}

export function testClients(defaultCoordinatorPort: () => number): TestClients {
  const clients: ChatClient[] = [];
  const homes: string[] = [];
  const home = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fastchat-home-'));
    homes.push(dir);
    return dir;
  };
  return {
    home,
    async open(name, mode, options = {}) {
      const dir = options.home ?? (await home());
      const tls = options.tls === 'tofu' ? { trust: new ServerTrust(dir) } : options.tls;
      const client = await ChatClient.open({
        coordinator: { host: '127.0.0.1', port: options.coordinatorPort ?? defaultCoordinatorPort() },
        home: dir,
        ...(tls ? { tls } : {}),
        name,
        password: options.password ?? `password of ${name}`,
        mode,
        backoff: { baseMs: 50, maxMs: 500 },
        keys: testAccountKeys,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      clients.push(client);
      if (options.start !== false) await client.start();
      return client;
    },
    async cleanup() {
      await Promise.all(clients.splice(0).map((c) => c.close()));
      await Promise.all(homes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** A fresh server for each test and the clients opened against it. */
export interface ServerWithClients {
  /** This test's server; a test that restarts it sets the new one here, to be stopped after it. */
  server: TestServer;
  readonly clients: TestClients;
}

/** Registers beforeEach (a server on free ports) and afterEach (every client closed, then the server stopped). */
export function useServerWithClients(): ServerWithClients {
  const world = { clients: testClients(() => world.server.listening.coordinatorPort) } as ServerWithClients;
  beforeEach(async () => {
    world.server = await startTestServer();
  });
  afterEach(async () => {
    await world.clients.cleanup();
    await world.server?.stop();
  });
  return world;
}

/** Collects a client's messages; `until` waits for a condition over them. */
export function collect(client: ChatClient): {
  messages: ChatMessage[];
  texts(): string[];
  until(condition: (m: ChatMessage[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
} {
  const messages: ChatMessage[] = [];
  const waiters = new Set<() => void>();
  client.on('message', (message) => {
    messages.push(message);
    waiters.forEach((w) => w());
  });
  return {
    messages,
    texts: () => messages.filter((m) => m.kind === 'message').map((m) => m.text ?? `<${m.trust}>`),
    until: (condition, what, timeoutMs = WAIT_MS) =>
      new Promise((resolve, reject) => {
        if (condition(messages)) return resolve();
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${what}; have ${messages.length} messages`));
        }, timeoutMs);
        const check = () => {
          if (!condition(messages)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      }),
  };
}
