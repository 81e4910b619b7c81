import { verifyKeyChange } from '../../crypto/index.js';
import { checkPassword } from '../accounts/accounts.js';
import { RequestError } from '../errors.js';
import { NODE_ONLY, type Handler } from './handler.js';
import { checkedPublicKey } from '../accounts/identity-keys.js';
import { checkedLegacyKey } from '../legacy/legacy-keys.js';
import { toUserView } from '../views.js';

/**
 * `publish_keys` (protocol.md § publish_keys): replaces the user's public key (and key backup), after a
 * key import or rotation. It needs the password (the login secret), not only a logged-in session: a
 * captured resume token must not be enough to put someone else's key on an account. A new identity
 * key in place of a published one must also come with the published key's signature over the change,
 * so a captured password alone is not enough either (issue 17, finding 2). Other users' clients
 * compare the key with the one they pinned and flag the change.
 */
export const publishKeys: Handler<'publish_keys'> = {
  roles: NODE_ONLY,
  async handle(request, { session, services }) {
    const { user: current } = await checkPassword(services, session, request.secret);
    const publicKey = checkedPublicKey(request.publicKey);
    const previous = current.publicKey;
    const changed = previous !== null && !Buffer.from(previous).equals(Buffer.from(publicKey));
    if (changed && (!request.keyProof || !verifyKeyChange(previous, current.id, publicKey, request.keyProof))) {
      throw new RequestError(
        'bad_key_proof',
        "a new identity key needs the published key's signature over the change (keyProof); the published key stays",
      );
    }
    const user = await services.store.setKeys(current.id, {
      publicKey,
      // Kept with the key it vouches for, so contacts can check it; the same key again keeps its proof.
      ...(changed ? { keyProof: request.keyProof! } : {}),
      keyBackup: request.keyBackup ?? null,
      ...(request.legacyKey === undefined ? {} : { legacyKey: checkedLegacyKey(request.legacyKey) }),
    });
    session.refreshUser(user);
    const view = toUserView(user, true);
    // The owner's other sessions are told at once, here and on every other node (a `keys` push): a
    // change they did not make is theirs to see.
    services.fanout.toUsers([user.id], { t: 'keys', user: view }, session);
    services.cluster?.announce({ t: 'keys', u: user.id });
    return { user: view };
  },
};
