import { UsageError, type SlashCommand } from './types.js';

/** `/search TEXT`: searches the open conversation's history (loading older pages as needed). */
export const searchCommand: SlashCommand = {
  name: 'search',
  usage: '/search TEXT',
  describe: 'search this conversation',
  async run(_words, rest, { state, dispatch, actions }) {
    const query = rest.trim();
    if (!query) throw new UsageError('give the text to find: /search TEXT');
    if (state.view.open === undefined) throw new UsageError('open a conversation first');
    dispatch({ type: 'overlay', overlay: { kind: 'search', query, editing: false, hits: [], index: 0, searching: true } });
    await actions.search(query);
  },
};
