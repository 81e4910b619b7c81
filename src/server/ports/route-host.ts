import type { ServerServices } from '../services.js';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

/**
 * The host a routed client should dial: the advertised host when one is set; else the listen host,
 * unless that is a wildcard, in which case the address the client reached the coordinator on (it
 * evidently works for that client).
 */
export function routeHost(services: ServerServices, localAddress: string | undefined): string {
  if (services.advertiseHost) return services.advertiseHost;
  if (!WILDCARDS.has(services.listenHost)) return services.listenHost;
  if (localAddress) return localAddress.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return '127.0.0.1';
}
