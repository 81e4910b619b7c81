import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { askCoordinator, type ServerAddress } from '../../src/client/connect.js';
import { RequestFailedError } from '../../src/client/errors.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameDecoder, PROTOCOL_VERSIONS } from '../../src/protocol/index.js';
import { BODY_BYTES, type LoadClient } from './load-client.js';

/**
 * Abusive clients for the flood scenario (docs/protocol.md § Limits): each runs until `stop()` and
 * counts what the server let it do. The flood scenario runs each in a process of its own
 * (flooder-process.ts), so that answering the flood is not the normal clients' event loop's work.
 */
export interface FloodStats {
  /** Requests written (sends for `send`, `users` pages for `slow`). */
  requests: number;
  accepted: number;
  rateLimited: number;
  /**
   * Sends refused `out_of_order` (`send`): behind a refused send of its own that it never sends again,
   * the rest of its stream is refused (protocol.md § Delivery); a refusal, as `rate_limited` is.
   */
  outOfOrder: number;
  otherErrors: number;
  /** What the first of them said. */
  firstError?: string;
  /** Requests still unanswered when the flooder stopped (`send`): neither accepted nor refused. */
  abandoned?: number;
  /** Connections the server took and kept (`connections`). */
  connectionsHeld: number;
  /** Connections answered `too_many_connections`, or cut before a word (`connections`). */
  connectionsRefused: number;
  /** Times the server cut the connection as a slow consumer (`slow`). */
  slowConsumerDrops: number;
  /** Frames the server answered (`maps`: before bounded decoding, each wide map was decoded and answered). */
  answered?: number;
}

export interface Flooder {
  readonly kind: FloodKind;
  readonly stats: FloodStats;
  stop(): Promise<void>;
}

export const FLOOD_KINDS = ['send', 'connections', 'slow', 'maps'] as const;
export type FloodKind = (typeof FLOOD_KINDS)[number];

const zero = (): FloodStats => ({
  requests: 0,
  accepted: 0,
  rateLimited: 0,
  outOfOrder: 0,
  otherErrors: 0,
  connectionsHeld: 0,
  connectionsRefused: 0,
  slowConsumerDrops: 0,
});

/**
 * (a) One user sending to `to` as fast as the server answers, `window` requests always in flight
 * (never waiting for one ack before the next send), each with a new `cid`: raw pipelined `send`s
 * that ignore `retryAfterMs` and never resend what was refused, not the client library's polite
 * sender. Bounded, not unbounded: past a window the socket and the server's queue only hold more
 * bytes, and the generator's memory would be what gave out.
 *
 * `stop()` ends the flood once the server has refused it at least once: the flooder's point is to go
 * past the send rate, and how many sends the server takes in a phase (its burst is 1,000) depends on
 * the machine, so a short phase on a slow one would otherwise end inside the burst.
 */
export function floodSends(client: LoadClient, to: number, window = 512): Flooder {
  const stats = zero();
  // One body for every send: the flooder's CPU goes to sending, not to making random bytes.
  const body = randomBytes(BODY_BYTES);
  let stopped = false;
  let inFlight = 0;
  let refusedOnce: () => void = () => undefined;
  const firstRefusal = new Promise<void>((resolve) => (refusedOnce = resolve));
  const count = (error: unknown): void => {
    if (error instanceof RequestFailedError && error.code === 'rate_limited') stats.rateLimited++;
    else if (error instanceof RequestFailedError && error.code === 'out_of_order') stats.outOfOrder++;
    else {
      stats.otherErrors++;
      stats.firstError ??= String(error);
    }
    refusedOnce();
  };
  // Counted and out of flight in one step: stop() may come between any two answers.
  const settled = (outcome: () => void): void => {
    inFlight--;
    if (!stopped) outcome(); // once it hung up, an answer is abandoned, not counted
    fire();
  };
  const fire = (): void => {
    while (!stopped && inFlight < window) {
      inFlight++;
      stats.requests++;
      client.rpc.request({ t: 'send', to, cid: randomUUID(), body }, { timeoutMs: 60_000 }).then(
        () => settled(() => stats.accepted++),
        (error: unknown) => settled(() => count(error)),
      );
    }
  };
  fire();
  return {
    kind: 'send',
    stats,
    // It hangs up with its window in flight (the caller closes the client), as an abuser would.
    stop: async () => {
      await firstRefusal;
      stopped = true;
      stats.abandoned = inFlight;
    },
  };
}

/** Opens a framed connection to `node` from `localAddress` and says hello at once. */
function dial(node: ServerAddress, localAddress: string): Socket {
  const socket = connect({ host: node.host, port: node.port, localAddress, noDelay: true });
  socket.on('error', () => undefined);
  // Written now, queued until the connect: so it goes before anything the caller writes next.
  socket.write(encodeFrame({ t: 'hello', id: 1, versions: [...PROTOCOL_VERSIONS] }));
  return socket;
}

/**
 * (b) Connections opened as fast as they are answered from `localAddress` (another loopback address
 * than the normal clients', so that the per-address cap is the flooder's alone), `parallel` dials at
 * a time; each one refused is replaced at once, each one taken is held (never logging in).
 */
export async function floodConnections(coordinator: ServerAddress, localAddress: string, parallel = 64): Promise<Flooder> {
  const stats = zero();
  const node = await askCoordinator(coordinator);
  const sockets = new Set<Socket>();
  let stopped = false;
  const open = (): void => {
    if (stopped) return;
    stats.requests++;
    const socket = dial(node, localAddress);
    sockets.add(socket);
    let refused = false;
    let held = false;
    socket.on('data', (chunk: Buffer) => {
      // The refusal is one error frame; MessagePack keeps its code as plain UTF-8 bytes.
      if (chunk.includes('too_many_connections')) refused = true;
      else if (!held && !refused) {
        held = true;
        stats.connectionsHeld++;
        open(); // a held connection frees its dial slot
      }
    });
    socket.once('close', () => {
      sockets.delete(socket);
      if (held) stats.connectionsHeld--;
      else stats.connectionsRefused++;
      if (!held) open();
    });
  };
  for (let i = 0; i < parallel; i++) open();
  return {
    kind: 'connections',
    stats,
    stop: async () => {
      stopped = true;
      await Promise.all([...sockets].map((socket) => new Promise((resolve) => (socket.destroy(), socket.once('close', resolve)))));
    },
  };
}

/**
 * (c) A user that asks for `users` pages (the largest reply a user can ask for without data of its
 * own) `batch` every millisecond, as long as its socket takes them, and never reads a reply; if the
 * server cuts it (as a slow consumer) it comes back with its resume token (not `login`: that would
 * make it a password-hash flood instead) and does it again. It signs up as a new user `name` first.
 */
export async function floodSlow(coordinator: ServerAddress, name: string, batch = 100): Promise<Flooder> {
  const stats = zero();
  let stopped = false;
  let current: Socket | undefined;
  let resume: Uint8Array | undefined;
  let loggedIn: () => void = () => undefined;
  const firstLogin = new Promise<void>((resolve) => (loggedIn = resolve));
  const session = async (): Promise<void> => {
    const node = await askCoordinator(coordinator);
    const socket = dial(node, '127.0.0.1');
    current = socket;
    socket.write(encodeFrame(resume ? { t: 'resume', id: 2, token: resume } : { t: 'signup', id: 2, name, secret: randomBytes(32) }));
    const decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 - 1 });
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) =>
        decoder.feed(chunk, (m) => {
          if (m.id !== 2) return;
          if (m.t !== 'ok') return reject(new Error(String(m.message)));
          if (m.resume instanceof Uint8Array) resume = m.resume;
          resolve();
        }),
      );
      socket.once('close', () => reject(new Error('closed before login')));
    });
    loggedIn();
    // Logged in: from here on nothing is read, so the replies pile up in the server's queue.
    socket.removeAllListeners('data');
    socket.pause();
    let id = 3;
    const flood = (): void => {
      if (stopped || socket.destroyed) return;
      // As fast as its socket takes them: past a megabyte queued here the kernel would block a real
      // client's writes, and frames made only to wait in this process's memory are no flood.
      if (socket.writableLength < 1024 * 1024) {
        for (let i = 0; i < batch; i++, id++) socket.write(encodeFrame({ t: 'users', id, limit: 500 }));
        stats.requests += batch;
      }
      setTimeout(flood, 1);
    };
    flood();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    if (!stopped) stats.slowConsumerDrops++;
  };
  const loop = async (): Promise<void> => {
    while (!stopped) {
      try {
        await session();
      } catch (error) {
        // Cut (slow consumer, deadline) or refused: counted, and the flooder comes back.
        stats.otherErrors++;
        stats.firstError ??= String(error);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const gone = loop();
  // Its sign-up is not the flood: the phase starts once it is logged in.
  await firstLogin;
  return {
    kind: 'slow',
    stats,
    stop: async () => {
      stopped = true;
      current?.destroy();
      await gone;
    },
  };
}

/**
 * The flood of finding 5 (issue 17): a frame at the server's default frame limit that is all one map
 * of distinct keys (a `ping`, so that a server that decodes it has a request to answer).
 */
export function wideMapFrame(maxBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const map: Record<string, unknown> & { t: string } = { t: 'ping', id: 2 };
  // Keys of `k` and up to 4 base-36 digits (names, not array indexes) and a 0: about 7 bytes an entry.
  const keys = Math.floor((maxBytes - 64) / 7);
  for (let i = 0; i < keys; i++) map[`k${i.toString(36)}`] = 0;
  const frame = encodeFrame(map);
  if (frame.length - 4 > maxBytes) throw new Error(`wide map of ${frame.length} bytes is over ${maxBytes}`);
  return frame;
}

/**
 * (d) One connection from `localAddress` that never logs in and writes wide maps (wideMapFrame) as
 * fast as its socket takes them, reading and counting whatever the server answers; when the server
 * cuts it, it dials again at once. Before bounded decoding each map cost the server ~170 ms of its
 * event loop (docs/security.md).
 */
export async function floodMaps(coordinator: ServerAddress, localAddress: string): Promise<Flooder> {
  const stats: FloodStats = { ...zero(), answered: 0 };
  const node = await askCoordinator(coordinator);
  const frame = wideMapFrame();
  let stopped = false;
  let current: Socket | undefined;
  let gone: () => void = () => undefined;
  const open = (): void => {
    if (stopped) return gone();
    stats.requests++;
    const socket = dial(node, localAddress);
    current = socket;
    const decoder = new FrameDecoder({ maxFrameBytes: 16 * 1024 * 1024 - 1 });
    socket.on('data', (chunk: Buffer) => {
      try {
        decoder.feed(chunk, (m) => {
          if (m.t === 'ok' && m.id === 2) stats.answered!++;
          else if (m.t === 'error' && m.id === undefined) stats.firstError ??= String(m.message);
        });
      } catch {
        // A broken answer: the close follows.
      }
    });
    const write = (): void => {
      while (!stopped && !socket.destroyed && socket.writableLength < 2 * frame.length) socket.write(frame);
    };
    socket.on('connect', write);
    socket.on('drain', write);
    socket.once('close', () => {
      stats.connectionsRefused++;
      open();
    });
  };
  const ended = new Promise<void>((resolve) => (gone = resolve));
  open();
  return {
    kind: 'maps',
    stats,
    stop: async () => {
      stopped = true;
      current?.destroy();
      await ended;
    },
  };
}
