import type { Argv, CommandModule } from 'yargs';
import { pinPresentedCertificate, ServerTrust } from '../../client/index.js';
import type { GlobalArgs } from '../global-options.js';
import { hostPortOption } from '../options.js';

interface ServersArgs extends GlobalArgs {
  address?: { host: string; port: number };
  fingerprint?: string;
  host?: string;
}

const trustCommand: CommandModule<GlobalArgs, ServersArgs> = {
  command: 'trust [address]',
  describe: "pin the certificate HOST:PORT presents now (default --server), replacing the host's pin",
  builder: (cli) =>
    cli
      .positional('address', { type: 'string', describe: 'HOST:PORT of any port of the server', coerce: hostPortOption('address') })
      .option('fingerprint', {
        type: 'string',
        describe: 'pin only if the server presents this SHA-256 fingerprint (as printed when it was refused)',
      }),
  handler: async (args) => {
    const pinned = await pinPresentedCertificate(args.home, args.address ?? args.server, args.fingerprint);
    if (pinned.replaced !== undefined) process.stdout.write(`replaced ${pinned.replaced}\n`);
    process.stdout.write(`pinned ${pinned.host}: ${pinned.presented}\n`);
    if (args.fingerprint === undefined)
      process.stdout.write('compare it with the fingerprint the server operator gives you (fastchat-server logs it at start)\n');
  },
};

const listCommand: CommandModule<GlobalArgs, ServersArgs> = {
  command: 'list',
  describe: 'the pinned server certificates',
  handler: async (args) => {
    const pins = await new ServerTrust(args.home).list();
    for (const [host, pin] of Object.entries(pins)) process.stdout.write(`${host}  ${pin.fingerprint}  (pinned ${pin.pinnedAt})\n`);
  },
};

const forgetCommand: CommandModule<GlobalArgs, ServersArgs> = {
  command: 'forget <host>',
  describe: "remove a host's pin (the next connection pins what it then presents)",
  handler: async (args) => {
    const gone = await new ServerTrust(args.home).forget(args.host!);
    process.stdout.write(gone ? `forgot ${args.host}\n` : `no pin for ${args.host}\n`);
  },
};

/** `fastchat servers trust|list|forget`: the certificates pinned for TLS (trust on first use). */
export const serversCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'servers <command>',
  describe: "TLS: the servers' pinned certificates (trust on first use)",
  builder: (cli: Argv<GlobalArgs>) => cli.command(trustCommand).command(listCommand).command(forgetCommand).demandCommand(1),
  handler: () => undefined,
};
