import { useAppState } from './contexts/AppStateContext.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { regions } from './layouts/layout.js';
import { MainLayout } from './layouts/MainLayout.js';

/** Chooses the layout for the terminal's size (only one for now); AppContainer owns the state. */
export function App() {
  const { columns, rows } = useTerminalSize();
  const state = useAppState();
  return <MainLayout columns={columns} regions={regions(columns, rows, state.composer.text)} />;
}
