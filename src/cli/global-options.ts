import type { Argv } from 'yargs';
import { hostPortOption } from './options.js';

/** Flags every `fastchat` command takes. */
export interface GlobalArgs {
  server: { host: string; port: number };
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
  }) as unknown as Argv<GlobalArgs>;
}
