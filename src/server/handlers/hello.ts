import { PROTOCOL_VERSIONS } from '../../protocol/index.js';
import { VERSION } from '../../version.js';
import { RequestError } from '../errors.js';
import type { Handler } from './handler.js';

/** `hello`: picks the highest protocol version both sides speak and announces the server's limits (protocol.md § hello). */
export const hello: Handler<'hello'> = {
  roles: ['node', 'coordinator'],
  beforeHello: true,
  access: 'anyone',
  handle(request, { session, services }) {
    const shared = request.versions.filter((v) => (PROTOCOL_VERSIONS as readonly number[]).includes(v));
    if (shared.length === 0) {
      throw new RequestError(
        'unsupported_version',
        `no common protocol version: client offers ${request.versions.join(', ')}, server speaks ${PROTOCOL_VERSIONS.join(', ')}`,
      );
    }
    session.greet();
    return { version: Math.max(...shared), server: `fastchat-server/${VERSION}`, limits: { ...services.limits } };
  },
};
