import { SqlChatStore } from '../../src/store/sql-chat-store.js';
import { describeEachDatabase } from '../support/databases.js';
import { chatStoreContract } from './chat-store.contract.js';

describeEachDatabase('ChatStore contract: SqlChatStore', (open) => {
  chatStoreContract(async () => new SqlChatStore((await open({ keep: 'suite' })).db));
});
