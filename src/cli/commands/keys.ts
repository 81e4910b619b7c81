import type { KeyObject } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import type { Argv, CommandModule } from 'yargs';
import { exportIdentityKey, keyChangeNote, newIdentityKey, openExportedKey } from '../../client/index.js';
import type { GlobalArgs } from '../global-options.js';
import { readPassword } from '../password.js';
import { progressReporter, resolveUser, withClient } from '../open-client.js';

interface KeysArgs extends GlobalArgs {
  who?: string;
  file?: string;
}

const fingerprintCommand: CommandModule<GlobalArgs, KeysArgs> = {
  command: 'fingerprint [who]',
  describe: "print your key fingerprint, or a user's (compare it with them in person)",
  handler: async (args) =>
    withClient(args, async (client) => {
      if (args.who === undefined) {
        process.stdout.write(`${client.user.name}: ${client.identity.fingerprint}\n`);
        return;
      }
      const user = await client.findUser(args.who);
      const contact = client.keyring.get(user.id);
      if (!contact) throw new Error(`${user.name} has published no key`);
      process.stdout.write(`${user.name}: ${contact.fingerprint}\n`);
      if (contact.changed)
        process.stdout.write(
          `WARNING: ${user.name}'s key CHANGED (${keyChangeNote(contact)}); you had pinned ${contact.pinnedFingerprint}\n`,
        );
    }),
};

const exportCommand: CommandModule<GlobalArgs, KeysArgs> = {
  command: 'export <file>',
  describe: 'write your identity key to FILE (encrypted PKCS#8 PEM, mode 0600)',
  handler: async (args) => {
    const user = await resolveUser(args);
    const password = await readPassword(`password for ${user}: `);
    const pem = await exportIdentityKey(args.home, user, password);
    if (pem === undefined) throw new Error(`no identity key for ${user} in ${args.home}`);
    await writeFile(args.file!, pem, { mode: 0o600, flag: 'wx' });
    process.stdout.write(`wrote ${user}'s encrypted key to ${args.file} (it opens with your password)\n`);
  },
};

const importCommand: CommandModule<GlobalArgs, KeysArgs> = {
  command: 'import <file>',
  describe: 'make the key in FILE your identity key and publish it (contacts will see it changed)',
  handler: async (args) => {
    const user = await resolveUser(args);
    const pem = await readFile(args.file!, 'utf8');
    const password = await readPassword(`password for ${user}: `);
    await replaceKey(args, openExportedKey(pem, password), password, 'imported and published');
  },
};

const newCommand: CommandModule<GlobalArgs, KeysArgs> = {
  command: 'new',
  describe: 'make a new identity key and publish it, signed by the one in use (contacts will see it changed)',
  handler: async (args) => {
    const user = await resolveUser(args);
    const password = await readPassword(`password for ${user}: `);
    const progress = progressReporter();
    progress('generating your new RSA-3072 identity key…');
    await replaceKey(args, await newIdentityKey(), password, 'made and published a new key');
  },
};

/** Publishes `next` in place of the key in use (the client signs the change) and says what changed. */
async function replaceKey(args: KeysArgs, next: KeyObject, password: string, done: string): Promise<void> {
  const { before, after } = await withClient(args, (client) => client.replaceIdentityKey(next, password), password);
  if (after === before) {
    process.stdout.write(`${done}; your fingerprint is still ${after}\n`);
    return;
  }
  process.stdout.write(
    `${done}; your fingerprint is now ${after} (was ${before}).\n` +
      'Your contacts will see that your key changed, signed by the previous one; they should compare the new fingerprint with you.\n' +
      'Messages sent to your earlier key still open: it stays in your key backup.\n',
  );
}

const trustCommand: CommandModule<GlobalArgs, KeysArgs> = {
  command: 'trust <who>',
  describe: "accept a user's changed key (after checking the fingerprint with them)",
  handler: async (args) =>
    withClient(args, async (client) => {
      const user = await client.findUser(args.who!);
      await client.trust(user.id);
      process.stdout.write(`now trusting ${user.name}'s key ${client.keyring.get(user.id)!.fingerprint}\n`);
    }),
};

/** `fastchat keys fingerprint|new|export|import|trust`. */
export const keysCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'keys <command>',
  describe: 'fingerprints, a new key, key export and import, trusting a changed key',
  builder: (cli: Argv<GlobalArgs>) =>
    cli
      .command(fingerprintCommand)
      .command(newCommand)
      .command(exportCommand)
      .command(importCommand)
      .command(trustCommand)
      .demandCommand(1),
  handler: () => undefined,
};
