import { RequestError } from '../errors.js';
import type { Handler } from './handler.js';
import { routeHost } from '../ports/route-host.js';

/** `route`: the coordinator names the least-loaded node port of the deployment (protocol.md § route). */
export const route: Handler<'route'> = {
  roles: ['coordinator'],
  beforeHello: true,
  access: 'anyone',
  handle(request, { services, localAddress }) {
    // Another live node of the deployment may be less loaded than this one; never one the client avoids.
    const elsewhere = services.cluster?.route(request.avoid);
    if (elsewhere) return elsewhere;
    const port = services.load.leastLoaded();
    if (port === undefined) throw new RequestError('unavailable', 'no node port is open');
    return { host: routeHost(services, localAddress), port };
  },
};
