import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, runBin, startServerBin, type BinResult, type RunningBin } from '../../support/run-bin.js';
import { TuiUser } from './tui-user.js';

/** One message as `fastchat history --json` prints it. */
export interface HistoryLine {
  readonly from: string;
  readonly text: string;
  readonly verified: boolean;
  readonly kind: string;
}

/**
 * The world of a journey: a real fastchat-server process on fixed ports (so that it can be stopped and
 * started again where its clients expect it), real TUIs in pseudo-terminals, and the real CLI, each
 * person with a home folder of their own under one temp folder. Everything is stopped and removed by
 * `close()`.
 */
export class Day {
  readonly tuis: TuiUser[] = [];
  #server: RunningBin | undefined;

  private constructor(
    readonly root: string,
    readonly coordinator: number,
    private readonly serverArgs: readonly string[],
  ) {}

  /** `storeArgs` selects the database (`--data-dir DIR` or `--db URL`). */
  static async begin(storeArgs: readonly string[]): Promise<Day> {
    const root = await mkdtemp(join(tmpdir(), 'fastchat-journey-'));
    const [a, b, coordinator] = await freePorts(3);
    const day = new Day(root, coordinator!, ['--ports', `${a},${b}`, '--coordinator-port', String(coordinator), ...storeArgs]);
    await day.startServer();
    return day;
  }

  get server(): RunningBin {
    if (!this.#server) throw new Error('the server is not running');
    return this.#server;
  }

  async startServer(): Promise<void> {
    // A deadline for a machine under load (two cores, a PGlite start and a schema check), not a speed promise.
    this.#server = await startServerBin([...this.serverArgs], 90_000);
  }

  /** Stops the server with `signal` and resolves with its exit code. */
  async stopServer(signal: NodeJS.Signals): Promise<number | null> {
    const server = this.server;
    this.#server = undefined;
    return server.stop(signal);
  }

  /** A TUI for `name` on the login screen, with the home folder `home` (under the day's folder). */
  async tui(name: string, home = name): Promise<TuiUser> {
    const user = await TuiUser.start(name, join(this.root, home), this.coordinator);
    this.tuis.push(user);
    return user;
  }

  /** Runs the real `fastchat` with `--server` and `--home` set, the password in the environment. */
  cli(home: string, password: string, args: string[]): Promise<BinResult> {
    return runBin('fastchat', ['--server', `127.0.0.1:${this.coordinator}`, '--home', join(this.root, home), ...args], {
      FASTCHAT_PASSWORD: password,
    });
  }

  /**
   * A conversation as `user` sees it on a device of its own (a fresh home: the key comes from the
   * server's backup), decrypted: what the server stored for them, in order.
   */
  async history(user: string, password: string, target: { with: string } | { group: string }): Promise<HistoryLine[]> {
    const device = `observer-${user}-${this.#observers++}`;
    const where = 'with' in target ? [target.with] : ['--group', target.group];
    const result = await this.cli(device, password, ['--user', user, 'history', ...where, '--limit', '200', '--json']);
    if (result.code !== 0) throw new Error(`history as ${user} failed (${result.code}): ${result.stderr}`);
    return result.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as HistoryLine);
  }

  #observers = 0;

  async close(): Promise<void> {
    for (const tui of this.tuis) tui.screen.kill();
    await Promise.all(this.tuis.map((tui) => tui.screen.exited));
    await this.#server?.stop('SIGTERM');
    await rm(this.root, { recursive: true, force: true });
  }
}

/** The chat messages `from` sent, in the order the history holds them. */
export function textsFrom(lines: readonly HistoryLine[], from: string): string[] {
  return lines.filter((line) => line.kind === 'message' && line.from === from).map((line) => line.text);
}
