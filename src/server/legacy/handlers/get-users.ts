import type { LegacyHandler } from '../legacy-handler.js';

/** `get-users`: `{"info-type":"get-users","list":[[NAME, id], …]}`, the caller included. */
export const getUsers: LegacyHandler = {
  roles: ['node'],
  async handle(_object, { inbox, sendJson }) {
    sendJson({ 'info-type': 'get-users', list: await inbox.users() });
  },
};
