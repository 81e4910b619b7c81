import { UsageError, type SlashCommand } from './types.js';

/**
 * `/sessions`: the user's sessions in a list (Enter ends the selected one); `/sessions end ID` and
 * `/sessions end others` do it from the composer.
 */
export const sessionsCommand: SlashCommand = {
  name: 'sessions',
  usage: '/sessions [end ID|others]',
  describe: 'list or end your sessions',
  async run(words, _rest, { client, actions }) {
    const [verb, target] = words;
    if (verb === undefined) return actions.showSessions();
    if (verb !== 'end' || target === undefined || words.length > 2) throw new UsageError('/sessions, or /sessions end ID|others');
    const sessions = await client.sessions();
    if (target === 'others') {
      const others = sessions.filter((s) => !s.current);
      for (const session of others) await client.endSession(session.id);
      return actions.info(
        others.length === 0 ? 'no other sessions' : `ended ${others.length} other session${others.length === 1 ? '' : 's'}`,
      );
    }
    const id = Number(target);
    if (!/^\d+$/.test(target) || !Number.isSafeInteger(id)) throw new UsageError(`not a session id: ${target}`);
    if (sessions.find((s) => s.id === id)?.current) throw new UsageError('that is this terminal; /quit leaves it');
    await client.endSession(id);
    actions.info(`ended session ${id}`);
  },
};
