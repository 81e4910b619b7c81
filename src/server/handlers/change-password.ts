import { makeVerifier, newResumeToken, resumeTokenHash } from '../../crypto/index.js';
import { RESUME_TOKEN_TTL_MS } from '../../protocol/index.js';
import { checkPassword } from '../accounts/accounts.js';
import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';

/**
 * `change_password` (protocol.md § change_password): the current password's secret, checked and
 * throttled like a login, then in one transaction the new verifier and key backup, every token of the
 * user revoked and a new one for this session. Every other session of the user then ends, on every
 * node: whoever knew the old password or held a token is out, and cannot log in again with either.
 */
export const changePassword: Handler<'change_password'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const credentials = await checkPassword(services, session, request.secret);
    const verifier = await makeVerifier(request.newSecret, services.verifierParams);
    const token = newResumeToken();
    const tokenHash = resumeTokenHash(token);
    const changed = await services.store.changePassword({
      userId: credentials.user.id,
      expectedVerifier: credentials.verifier,
      ...verifier,
      keyBackup: request.keyBackup ?? null,
      token: { tokenHash, ttlMs: RESUME_TOKEN_TTL_MS },
    });
    // Another change, made with the same old password, got there first.
    if (!changed) throw new RequestError('bad_credentials', 'the password was changed meanwhile; log in with the new one');
    session.holdToken({ id: changed.tokenId, hash: tokenHash });
    session.refreshUser(changed.user);
    services.logger.info('password changed', { user: changed.user.id });
    services.cluster?.announce({ t: 'sessions', u: changed.user.id, pw: true });
    await services.endings.endRevoked(changed.user.id, { except: session, tokenless: true });
    return { resume: token };
  },
};
