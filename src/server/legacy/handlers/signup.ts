import { BadKeyError, legacyKeyFromText } from '../../../crypto/index.js';
import { USER_NAME_PATTERN } from '../../../protocol/index.js';
import { NameTakenError } from '../../../store/errors.js';
import { createAccount, loginTurn } from '../../accounts/accounts.js';
import { legacyName } from '../legacy-directory.js';
import { LegacyInputError, text } from '../fields.js';
import type { LegacyHandler } from '../legacy-handler.js';
import { LEGACY_SECRET_MAX } from './login.js';

/**
 * `signup` (name, password, public_key): a legacy account in the same users table, through the same
 * account code as modern signups. Bare `1` (created and logged in) or `0` (name taken or not allowed).
 * The name is upper-cased as the original server did; `password` is an opaque secret.
 */
export const signup: LegacyHandler = {
  roles: ['node'],
  access: 'anyone',
  repliesAlone: true,
  async handle(object, { services, session, sendBare }) {
    const nameAsSent = text(object, 'name', 64, 1);
    const name = legacyName(nameAsSent);
    const password = text(object, 'password', LEGACY_SECRET_MAX, 1);
    let key: Buffer;
    try {
      key = legacyKeyFromText(text(object, 'public_key', 1400, 1));
    } catch (error) {
      if (!(error instanceof BadKeyError)) throw error;
      throw new LegacyInputError(`public_key: ${error.message}`, { cause: error });
    }
    if (session.user || !USER_NAME_PATTERN.test(name)) return sendBare('0', { alone: true });
    try {
      await loginTurn(services, session);
      await createAccount(
        services,
        session,
        Buffer.from(password, 'utf8'),
        { name, kind: 'legacy', publicKey: key, legacyKey: key },
        { nameAsSent },
      );
    } catch (error) {
      if (!(error instanceof NameTakenError)) throw error;
      return sendBare('0', { alone: true });
    }
    sendBare('1', { alone: true });
  },
};
