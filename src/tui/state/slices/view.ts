import { byConversation, type Action } from '../actions.js';
import { contactRows, groupRows } from '../selectors.js';
import type { AppState, Focus, ViewSlice } from '../types.js';

const FOCUS_ORDER: readonly Focus[] = ['contacts', 'groups', 'messages', 'composer'];

export const INITIAL_VIEW: ViewSlice = {
  open: undefined,
  focus: 'contacts',
  lastList: 'contacts',
  selection: { contacts: 0, groups: 0 },
  scroll: 0,
  overlay: { kind: 'none' },
  notice: undefined,
};

function focus(view: ViewSlice, to: Focus): ViewSlice {
  return { ...view, focus: to, lastList: to === 'contacts' || to === 'groups' ? to : view.lastList };
}

/** Opens a conversation: the composer takes the keyboard and its list row is selected. */
function open(view: ViewSlice, conversation: number, root: AppState): ViewSlice {
  const entry = root.directory.conversations[conversation];
  const lastList = entry?.kind === 'group' ? 'groups' : 'contacts';
  let selection = view.selection;
  if (entry) {
    // Rows are ordered by activity, presence and name: the unread count this action clears moves none.
    const index =
      lastList === 'groups'
        ? groupRows(root).findIndex((g) => g.id === conversation)
        : contactRows(root).findIndex((r) => r.conversation?.id === conversation);
    if (index >= 0) selection = { ...selection, [lastList]: index };
  }
  return { ...view, open: conversation, focus: 'composer', lastList, selection, scroll: 0, overlay: { kind: 'none' } };
}

/** Messages loaded in the open conversation. */
function loaded(view: ViewSlice, root: AppState): number {
  return view.open === undefined ? 0 : (root.chat.messages[view.open]?.items.length ?? 0);
}

function scrollToHit(view: ViewSlice, root: AppState, hits: readonly string[], index: number): number {
  const items = view.open === undefined ? [] : (root.chat.messages[view.open]?.items ?? []);
  const at = items.findIndex((m) => m.cid === hits[index]);
  return at < 0 ? view.scroll : items.length - 1 - at;
}

/** Where the user is; `root` is the state before the action. */
export function viewReducer(view: ViewSlice, action: Action, root: AppState): ViewSlice {
  switch (action.type) {
    case 'received': {
      // Keep the view where it is when the user has scrolled up in the open conversation.
      if (view.open === undefined || view.scroll === 0) return view;
      const batch = byConversation(action.messages).get(view.open);
      return batch ? { ...view, scroll: view.scroll + batch.length } : view;
    }
    case 'focus':
      return focus(view, action.to);
    case 'focusStep':
      return focus(view, FOCUS_ORDER[(FOCUS_ORDER.indexOf(view.focus) + action.by + FOCUS_ORDER.length) % FOCUS_ORDER.length]!);
    case 'select': {
      const count = action.pane === 'contacts' ? contactRows(root).length : groupRows(root).length;
      const at = Math.max(0, Math.min(count - 1, view.selection[action.pane] + action.by));
      return { ...view, selection: { ...view.selection, [action.pane]: at } };
    }
    case 'open':
      return open(view, action.conversation, root);
    case 'back':
      if (view.overlay.kind !== 'none') return { ...view, overlay: { kind: 'none' } };
      if (view.notice) return { ...view, notice: undefined };
      if (view.focus === 'composer' || view.focus === 'messages') return { ...view, focus: view.lastList };
      return view;
    case 'scroll':
      return { ...view, scroll: Math.max(0, Math.min(Math.max(0, loaded(view, root) - 1), view.scroll + action.by)) };
    case 'scrollTo':
      return { ...view, scroll: action.where === 'bottom' ? 0 : Math.max(0, loaded(view, root) - 1) };
    case 'overlay':
      return { ...view, overlay: action.overlay };
    case 'overlayQuery': {
      const overlay = view.overlay;
      if (overlay.kind !== 'switcher' && overlay.kind !== 'search') return view;
      const query = 'erase' in action.edit ? overlay.query.slice(0, -1) : overlay.query + action.edit.append;
      return { ...view, overlay: overlay.kind === 'switcher' ? { ...overlay, query, selected: 0 } : { ...overlay, query } };
    }
    case 'overlayMove': {
      const overlay = view.overlay;
      if (overlay.kind === 'switcher') return { ...view, overlay: { ...overlay, selected: Math.max(0, overlay.selected + action.by) } };
      if (overlay.kind !== 'sessions') return view;
      const last = Math.max(0, (overlay.sessions?.length ?? 0) - 1);
      return { ...view, overlay: { ...overlay, selected: Math.max(0, Math.min(last, overlay.selected + action.by)) } };
    }
    case 'sessionsLoaded': {
      // Only into an open sessions list: a list that comes after Esc does not open it again.
      if (view.overlay.kind !== 'sessions') return view;
      const selected = Math.min(view.overlay.selected, Math.max(0, action.sessions.length - 1));
      return { ...view, overlay: { kind: 'sessions', sessions: action.sessions, selected } };
    }
    case 'searchResults': {
      if (view.overlay.kind !== 'search') return view;
      const index = action.hits.length - 1;
      return {
        ...view,
        overlay: { ...view.overlay, hits: action.hits, index, searching: false, editing: false },
        scroll: scrollToHit(view, root, action.hits, index),
      };
    }
    case 'searchMove': {
      if (view.overlay.kind !== 'search' || view.overlay.hits.length === 0) return view;
      const n = view.overlay.hits.length;
      const index = (view.overlay.index + action.by + n) % n;
      return { ...view, overlay: { ...view.overlay, index }, scroll: scrollToHit(view, root, view.overlay.hits, index) };
    }
    case 'notice':
      return { ...view, notice: action.notice };
    default:
      return view;
  }
}
