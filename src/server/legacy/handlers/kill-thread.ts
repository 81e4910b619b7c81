import type { LegacyHandler } from '../legacy-handler.js';

/** `kill_thread`: answered with `{"info-type":"kill"}`, after which the client closes (and so do we). */
export const killThread: LegacyHandler = {
  roles: ['node'],
  access: 'anyone',
  handle(_object, { sendJson, end }) {
    sendJson({ 'info-type': 'kill' });
    end();
  },
};
