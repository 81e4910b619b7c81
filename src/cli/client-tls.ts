import { readFile } from 'node:fs/promises';
import type { ClientTls } from '../client/connect.js';
import { ServerTrust } from '../client/server-trust.js';
import type { GlobalArgs } from './global-options.js';

/** The TLS settings of `--tls` / `--ca`: a CA read from its file, or trust on first use in --home. */
export async function clientTls(args: Pick<GlobalArgs, 'tls' | 'ca' | 'home'>): Promise<ClientTls | undefined> {
  if (args.ca !== undefined) {
    const ca = await readFile(args.ca, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`--ca ${args.ca}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { cause: error });
    });
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--ca ${args.ca}: not a PEM certificate`);
    return { ca };
  }
  return args.tls ? { trust: new ServerTrust(args.home) } : undefined;
}
