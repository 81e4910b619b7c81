import type { Database } from '../store/database.js';
import { openDatabase } from '../store/open-database.js';
import type { Logger } from '../util/logger.js';
import { ChatServer } from './chat-server.js';
import { listen, type Listening } from './listen.js';

export interface StartServerOptions {
  readonly host: string;
  readonly ports: readonly number[];
  readonly coordinatorPort: number;
  /** PostgreSQL URL; when absent the embedded database in `dataDir` is used. */
  readonly databaseUrl: string | undefined;
  /** Folder of the embedded database. */
  readonly dataDir: string;
  readonly maxFrameBytes: number;
  readonly advertiseHost?: string;
  readonly logger: Logger;
}

export interface RunningServer {
  readonly listening: Listening;
  readonly database: Database;
  readonly core: ChatServer;
  /** Graceful stop: stop accepting, end every connection, close the database. */
  close(): Promise<void>;
}

/**
 * Binds every port first, so a port conflict is reported at once rather than after the embedded
 * database has spent seconds starting, then opens the database; if that fails the ports are released.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const core = new ChatServer({
    logger: options.logger,
    maxFrameBytes: options.maxFrameBytes,
    listenHost: options.host,
    advertiseHost: options.advertiseHost,
  });
  const listening = await listen(core, options);
  let database: Database;
  try {
    database = await openDatabase({ url: options.databaseUrl, dataDir: options.dataDir });
  } catch (error) {
    await Promise.all([listening.close(), core.close()]);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    listening,
    database,
    core,
    close: () =>
      (closing ??= (async () => {
        const stopped = listening.close();
        await core.close();
        await stopped;
        await database.close();
      })()),
  };
}
