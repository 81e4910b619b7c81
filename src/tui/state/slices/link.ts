import { secondsUntil, type Action } from '../actions.js';
import type { LinkSlice } from '../types.js';

export const INITIAL_LINK: LinkSlice = {
  connection: 'connecting',
  retry: undefined,
  queued: 0,
  backlog: 0,
  backlogTotal: 0,
  quitting: false,
};

/** The connection, what waits to go out or be decrypted, and quitting. */
export function linkReducer(link: LinkSlice, action: Action): LinkSlice {
  switch (action.type) {
    case 'status': {
      const retry = action.retry && { ...action.retry, secondsLeft: secondsUntil(action.retry.at, action.now ?? action.retry.at) };
      return { ...link, connection: action.connection, retry };
    }
    case 'queued':
      return link.queued === action.count ? link : { ...link, queued: action.count };
    case 'backlog':
      // Nothing left: the counter clears. Otherwise it counts down from the sync's total.
      return { ...link, backlog: action.count, backlogTotal: action.count === 0 ? 0 : Math.max(action.total ?? 0, action.count) };
    case 'tick': {
      if (!link.retry) return link;
      const secondsLeft = secondsUntil(link.retry.at, action.now);
      return secondsLeft === link.retry.secondsLeft ? link : { ...link, retry: { ...link.retry, secondsLeft } };
    }
    case 'quit':
      return { ...link, quitting: true };
    default:
      return link;
  }
}
