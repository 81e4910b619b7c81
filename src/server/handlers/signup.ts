import { createAccount } from '../accounts/accounts.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { checkedPublicKey } from '../accounts/identity-keys.js';
import { checkedLegacyKey } from '../legacy/legacy-keys.js';
import { toUserView } from '../views.js';

/** `signup`: creates an account (name unique in any case) and logs the session in, with a resume token (protocol.md § signup). */
export const signup: Handler<'signup'> = {
  roles: NODE_ONLY,
  access: 'anyone',
  async handle(request, { session, services }) {
    const { user, resume } = await createAccount(
      services,
      session,
      request.secret,
      {
        name: request.name,
        kind: 'modern',
        publicKey: request.publicKey === undefined ? null : checkedPublicKey(request.publicKey),
        keyBackup: request.keyBackup ?? null,
        legacyKey: request.legacyKey === undefined ? null : checkedLegacyKey(request.legacyKey),
      },
      { withToken: true },
    );
    return { user: toUserView(user, true), ...(request.keyBackup ? { keyBackup: request.keyBackup } : {}), ...(resume ? { resume } : {}) };
  },
};
