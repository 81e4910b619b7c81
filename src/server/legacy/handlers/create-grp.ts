import { GROUP_MEMBERS_MAX, GROUP_NAME_MAX, UNSAFE_TEXT } from '../../../protocol/index.js';
import { StoreError } from '../../../store/errors.js';
import { createGroup } from '../../delivery/membership-change.js';
import { id, ids, LegacyInputError, text } from '../fields.js';
import type { LegacyHandler } from '../legacy-handler.js';

/**
 * `create-grp` (group-name, admin, members): the same group creation as modern `group_create`. Nothing
 * is answered directly; every online member, the admin included, hears of it as `group_added` from the
 * group's `created` row (legacy-inbox.ts), modern members as a `conversation` push.
 */
export const createGrp: LegacyHandler = {
  roles: ['node'],
  async handle(object, { services, session }) {
    const user = session.requireUser();
    const name = text(object, 'group-name', GROUP_NAME_MAX, 1, UNSAFE_TEXT);
    if (id(object, 'admin') !== user.id) throw new LegacyInputError('admin: not the caller');
    const members = ids(object, 'members', GROUP_MEMBERS_MAX);
    try {
      await createGroup(services, user.id, name, members);
    } catch (error) {
      if (!(error instanceof StoreError)) throw error;
      services.logger.info('legacy create-grp refused', { user: user.id, error: error.message });
    }
  },
};
