import type { Handler } from './handler.js';

/** `ping`: a liveness check that also returns the server's clock (protocol.md § ping). */
export const ping: Handler<'ping'> = {
  roles: ['node', 'coordinator'],
  access: 'anyone',
  handle: () => ({ time: Date.now() }),
};
