import { SqlChatStore } from '../../src/store/sql-chat-store.js';
import { describeEachDatabase } from '../support/databases.js';
import { chatStoreContract } from './chat-store.contract.js';

describeEachDatabase('ChatStore contract: SqlChatStore', (open) => {
  chatStoreContract(async () => {
    const { db } = await open({ keep: 'suite' });
    const ago = (ms: number) => `${ms} milliseconds`;
    return {
      store: new SqlChatStore(db),
      kind: db.kind,
      clock: {
        async ageNode(id, ms) {
          await db.query('UPDATE nodes SET heartbeat_at = heartbeat_at - $2::interval WHERE id = $1', [id, ago(ms)]);
        },
        async ageResumeToken(tokenHash, ms) {
          await db.query(
            `UPDATE resume_tokens SET created_at = created_at - $2::interval, last_used_at = last_used_at - $2::interval,
               expires_at = expires_at - $2::interval WHERE token_hash = $1`,
            [tokenHash, ago(ms)],
          );
        },
      },
    };
  });
});
