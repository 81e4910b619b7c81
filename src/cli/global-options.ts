import type { Argv } from 'yargs';
import { defaultClientHome } from '../util/paths.js';
import { hostPortOption } from './options.js';

/** Flags every `fastchat` command takes. */
export interface GlobalArgs {
  server: { host: string; port: number };
  user: string | undefined;
  home: string;
  /** Reach the server over TLS (implied by --ca). */
  tls: boolean;
  /** PEM file of the CA that signs the server's certificate; without it, trust on first use. */
  ca: string | undefined;
}

export function withGlobalOptions(cli: Argv): Argv<GlobalArgs> {
  return cli.options({
    server: {
      type: 'string',
      default: '127.0.0.1:8000',
      describe: "the server's coordinator, HOST:PORT",
      coerce: hostPortOption('server'),
      global: true,
    },
    user: {
      type: 'string',
      describe: 'who you are (default: $FASTCHAT_USER, or the only user in --home)',
      global: true,
    },
    home: {
      type: 'string',
      default: defaultClientHome(),
      defaultDescription: '$XDG_DATA_HOME/fastchat',
      describe: 'folder for keys and local state',
      global: true,
    },
    tls: {
      type: 'boolean',
      default: false,
      describe: "connect with TLS; the server's certificate is pinned on first use in <home>/servers.json",
      global: true,
    },
    ca: {
      type: 'string',
      describe: "with TLS: trust the server's certificate only if this CA (PEM file) signed it for the host dialled (implies --tls)",
      global: true,
    },
  }) as unknown as Argv<GlobalArgs>;
}
