import { checkLogin, loginTurn } from '../../accounts/accounts.js';
import { RequestError } from '../../errors.js';
import { text } from '../fields.js';
import type { LegacyHandler } from '../legacy-handler.js';

/** Longest `password` accepted (the original sends 64 hex digits). */
export const LEGACY_SECRET_MAX = 256;

/**
 * `login` (name, password): the same check, verifier and throttle as modern logins (accounts.ts),
 * for legacy accounts only. Bare `1` or `0`; a throttled login is a `0` too (the protocol has nothing else).
 */
export const login: LegacyHandler = {
  roles: ['node'],
  access: 'anyone',
  repliesAlone: true,
  async handle(object, { services, session, sendBare }) {
    const name = text(object, 'name', 64, 1);
    const password = text(object, 'password', LEGACY_SECRET_MAX, 1);
    try {
      await loginTurn(services, session);
      await checkLogin(services, session, name, Buffer.from(password, 'utf8'), 'legacy');
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      return sendBare('0', { alone: true });
    }
    sendBare('1', { alone: true });
  },
};
