import { useAppActions } from '../contexts/AppActionsContext.js';
import { useView } from '../contexts/AppStoreContext.js';
import { Command } from '../keys/keyBindings.js';
import { matchCommand } from '../keys/keyMatchers.js';
import { useKeypress } from './useKeypress.js';

/** Where a list pane is: focus, the selected row, and the window of rows that fits. */
export interface ListPaneView {
  readonly focused: boolean;
  readonly selected: number;
  /** Index of the first row shown. */
  readonly first: number;
  /** Rows that fit under the title. */
  readonly visible: number;
  /** Width inside the border. */
  readonly inner: number;
}

/**
 * The behaviour contacts and groups share: ↑/↓ (and j/k) move the selection while the pane has focus
 * and no overlay is open, Enter opens the selected row, and the window scrolls to keep it in view.
 */
export function useListPane<Row>(
  pane: 'contacts' | 'groups',
  rows: readonly Row[],
  size: { readonly width: number; readonly height: number },
  onOpen: (row: Row) => void,
): ListPaneView {
  const state = { view: useView() };
  const { dispatch } = useAppActions();
  const focused = state.view.focus === pane;
  const selected = Math.min(state.view.selection[pane], Math.max(0, rows.length - 1));
  useKeypress(
    (input, key) => {
      const command = matchCommand([Command.Up, Command.Down, Command.Open], input, key);
      if (command === Command.Up) dispatch({ type: 'select', pane, by: -1 });
      if (command === Command.Down) dispatch({ type: 'select', pane, by: 1 });
      const row = rows[selected];
      if (command === Command.Open && row !== undefined) onOpen(row);
    },
    { isActive: focused && state.view.overlay.kind === 'none' },
  );
  const visible = Math.max(1, size.height - 2);
  const first = Math.max(0, Math.min(selected - visible + 1, rows.length - visible));
  return { focused, selected, first, visible, inner: Math.max(4, size.width - 2) };
}
