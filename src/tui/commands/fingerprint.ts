import type { SlashCommand } from './types.js';
import { keyChangeNote } from '../../client/index.js';

/** `/fingerprint [USER]`: your key's fingerprint or USER's, to compare in person; warns if it changed. */
export const fingerprintCommand: SlashCommand = {
  name: 'fingerprint',
  usage: '/fingerprint [USER]',
  describe: "your fingerprint, or USER's",
  async run(words, _rest, { client, actions }) {
    const [who] = words;
    if (!who) {
      actions.info(`your fingerprint (${client.user.name}): ${client.identity.fingerprint}`);
      return;
    }
    const user = await client.findUser(who);
    const contact = client.keyring.get(user.id);
    if (!contact) {
      const unusable = client.keyring.unusableKey(user.id);
      actions.error(
        unusable === undefined ? `${user.name} has published no key` : `${user.name} has published a key no client can use: ${unusable}`,
      );
      return;
    }
    if (contact.changed) {
      actions.error(
        `⚠ ${user.name}'s key CHANGED (${keyChangeNote(contact)}): now ${contact.fingerprint}, you had pinned ${contact.pinnedFingerprint}. Check it with them, then /trust ${user.name}`,
      );
      return;
    }
    actions.info(`${user.name}: ${contact.fingerprint}`);
  },
};
