import { readFile } from 'node:fs/promises';
import type { ClientTls } from '../client/index.js';
import { firstPinNotice, ServerTrust } from '../client/index.js';
import type { GlobalArgs } from './global-options.js';

/**
 * The TLS settings of the flags: a CA read from `--ca`, trust on first use in --home, or none with
 * `--plaintext`. A certificate pinned on first use is told on stderr unless `quiet` (the TUI, which
 * owns the screen, tells it itself from `firstPins`).
 */
export async function clientTls(args: Pick<GlobalArgs, 'plaintext' | 'ca' | 'home'>, quiet = false): Promise<ClientTls | undefined> {
  if (args.ca !== undefined) {
    const ca = await readFile(args.ca, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new Error(`--ca ${args.ca}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`, { cause: error });
    });
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`--ca ${args.ca}: not a PEM certificate`);
    return { ca };
  }
  if (args.plaintext) return undefined;
  return {
    trust: new ServerTrust(
      args.home,
      quiet ? undefined : (host, fingerprint) => process.stderr.write(`fastchat: ${firstPinNotice(host, fingerprint)}\n`),
    ),
  };
}
