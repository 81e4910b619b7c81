import type { CommandModule } from 'yargs';
import { connectToNode } from '../../client/index.js';
import { clientTls } from '../client-tls.js';
import type { GlobalArgs } from '../global-options.js';
import { integerOption } from '../options.js';

interface PingArgs extends GlobalArgs {
  count: number;
}

/** `fastchat ping`: checks a server end to end — coordinator, node port, hello — and prints round trips. */
export const pingCommand: CommandModule<GlobalArgs, PingArgs> = {
  command: 'ping',
  describe: 'check the server: route through the coordinator, say hello, time round trips',
  builder: (cli) =>
    cli.option('count', {
      alias: 'c',
      type: 'string',
      default: '3',
      describe: 'round trips to time',
      coerce: integerOption('count', 1, 1000),
    }),
  handler: async (args) => {
    const { rpc, node, hello } = await connectToNode({ coordinator: args.server, tls: await clientTls(args) });
    try {
      process.stdout.write(
        `connected to ${hello.server} at ${node.host}:${node.port} (protocol ${hello.version}${args.plaintext ? ', no TLS' : ', TLS'}, frames up to ${hello.limits.maxFrameBytes} bytes)\n`,
      );
      for (let i = 1; i <= args.count; i++) {
        const started = process.hrtime.bigint();
        await rpc.request({ t: 'ping' });
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        process.stdout.write(`ping ${i}: ${ms.toFixed(2)} ms\n`);
      }
    } finally {
      rpc.close();
    }
  },
};
