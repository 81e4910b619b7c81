import type { LegacyHandler } from '../legacy-handler.js';

/** `add-connection` on the coordinator: the least-loaded node port as bare text, then close (the original "superport"). */
export const addConnection: LegacyHandler = {
  roles: ['coordinator'],
  access: 'anyone',
  handle(_object, { services, sendBare, end }) {
    const port = services.load.leastLoaded();
    if (port !== undefined) sendBare(String(port));
    end();
  },
};
