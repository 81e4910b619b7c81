import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PortLoad } from '../../src/server/ports/port-load.js';
import { createServices, type ServerServices, type ServicesOptions } from '../../src/server/services.js';
import { openDatabase } from '../../src/store/open-database.js';
import { SqlChatStore } from '../../src/store/sql-chat-store.js';
import { silentLogger } from '../../src/util/logger.js';
import { seedPgliteDir } from './pglite-template.js';

export interface TestServices {
  readonly services: ServerServices;
  /** Fresh services (own writer, presence, port counts) over the same store. */
  fresh(options?: Partial<ServicesOptions>): ServerServices;
  /** Closes the store and removes its folder. */
  close(): Promise<void>;
}

/** Real server services on a fresh embedded database, for driving the core without sockets. */
export async function openTestServices(options: Partial<ServicesOptions> = {}): Promise<TestServices> {
  const folder = await mkdtemp(join(tmpdir(), 'fastchat-core-'));
  const dataDir = join(folder, 'db');
  await seedPgliteDir(dataDir);
  const store = new SqlChatStore(await openDatabase({ dataDir }));
  const fresh = (more: Partial<ServicesOptions> = {}) =>
    createServices({
      logger: silentLogger,
      load: new PortLoad(),
      store,
      maxFrameBytes: 1024 * 1024,
      listenHost: '127.0.0.1',
      ...options,
      ...more,
    });
  return {
    services: fresh(),
    fresh,
    close: async () => {
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}
