import type { Argv } from 'yargs';
import { defaultClientHome } from '../util/paths.js';
import { hostPortOption } from './options.js';

/** Flags every `fastchat` command takes. */
export interface GlobalArgs {
  server: { host: string; port: number };
  user: string | undefined;
  home: string;
  /** Reach the server without TLS (the server must run with --plaintext or --allow-plaintext). */
  plaintext: boolean;
  /** PEM file of the CA that signs the server's certificate; without it, trust on first use. */
  ca: string | undefined;
}

export function withGlobalOptions(cli: Argv): Argv<GlobalArgs> {
  return cli
    .options({
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
      plaintext: {
        type: 'boolean',
        default: false,
        describe:
          "connect without TLS, to a server run with --plaintext (default: TLS, the server's certificate pinned on first use in <home>/servers.json)",
        global: true,
      },
      // TLS is the default now; --tls, which once turned it on, stays accepted so scripts that gave it keep working.
      tls: { type: 'boolean', hidden: true, global: true },
      ca: {
        type: 'string',
        describe:
          "trust the server's certificate only if this CA (PEM file) signed it for the host dialled, instead of pinning it on first use",
        global: true,
      },
    })
    .check((a) => {
      // Not yargs' conflicts(): it counts plaintext's default (false) as given.
      if (a.plaintext && (a.ca !== undefined || a.tls === true))
        throw new Error('--plaintext turns TLS off: it does not go with --ca or --tls');
      return true;
    });
}
