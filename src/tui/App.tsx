import { useAppSelector } from './contexts/AppStoreContext.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { composerLineCount, regions } from './layouts/layout.js';
import { MainLayout } from './layouts/MainLayout.js';

/** Chooses the layout for the terminal's size (only one for now); AppContainer owns the state. */
export function App() {
  const { columns, rows } = useTerminalSize();
  // A number, not the text: typing redraws the layout only when the composer changes height.
  const composerLines = useAppSelector((state) => composerLineCount(columns, state.composer.text));
  return <MainLayout columns={columns} regions={regions(columns, rows, composerLines)} />;
}
