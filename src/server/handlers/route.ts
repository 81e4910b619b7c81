import { RequestError } from '../errors.js';
import type { Handler } from '../handler.js';
import { routeHost } from '../route-host.js';

/** `route`: the coordinator names the least-loaded node port (protocol.md § route). */
export const route: Handler<'route'> = {
  roles: ['coordinator'],
  beforeHello: true,
  access: 'anyone',
  handle(_request, { services, localAddress }) {
    const port = services.load.leastLoaded();
    if (port === undefined) throw new RequestError('unavailable', 'no node port is open');
    return { host: routeHost(services, localAddress), port };
  },
};
