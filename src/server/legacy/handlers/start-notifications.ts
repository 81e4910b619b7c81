import { text } from '../fields.js';
import type { LegacyHandler } from '../legacy-handler.js';

/** `start_notifications`: one `Notifications` object with everything missed, then live delivery (legacy-inbox.ts). */
export const startNotifications: LegacyHandler = {
  roles: ['node'],
  async handle(object, { inbox, sendJson }) {
    text(object, 'name', 64); // the client names itself; the session already knows who it is
    sendJson(await inbox.start());
  },
};
