import { NODE_ONLY, type Handler } from '../handler.js';
import { checkedPublicKey } from '../identity-keys.js';
import { checkedLegacyKey } from '../legacy/legacy-keys.js';
import { userView } from '../views.js';

/**
 * `publish_keys` (protocol.md § publish_keys): replaces the user's public key (and key backup), after a
 * key import or rotation. Other users' clients compare it with the key they pinned and flag the change.
 */
export const publishKeys: Handler<'publish_keys'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const user = await services.store.setKeys(session.requireUser().id, {
      publicKey: checkedPublicKey(request.publicKey),
      keyBackup: request.keyBackup ?? null,
      ...(request.legacyKey === undefined ? {} : { legacyKey: checkedLegacyKey(request.legacyKey) }),
    });
    session.refreshUser(user);
    return { user: userView(user, true) };
  },
};
