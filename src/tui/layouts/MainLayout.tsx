import { Box } from 'ink';
import { Composer } from '../components/Composer.js';
import { ContactsPane } from '../components/ContactsPane.js';
import { GroupsPane } from '../components/GroupsPane.js';
import { HelpOverlay } from '../components/HelpOverlay.js';
import { InfoLine, noticeLines } from '../components/InfoLine.js';
import { MessagesPane } from '../components/MessagesPane.js';
import { PasswordDialog } from '../components/PasswordDialog.js';
import { QuickSwitcher } from '../components/QuickSwitcher.js';
import { SearchBar } from '../components/SearchBar.js';
import { SessionsOverlay } from '../components/SessionsOverlay.js';
import { StatusBar } from '../components/StatusBar.js';
import { useView } from '../contexts/AppStoreContext.js';
import type { Regions } from './layout.js';

/** Contacts above groups on the left; messages, the info line and the composer on the right; the status bar under all. */
export function MainLayout({ columns, regions }: { readonly columns: number; readonly regions: Regions }) {
  const state = { view: useView() };
  const overlay = state.view.overlay.kind;
  // A long notice takes rows from the messages pane, never from the composer.
  const infoRows = overlay === 'search' ? 1 : Math.max(1, noticeLines(state.view.notice, regions.rightWidth).length);
  return (
    <Box flexDirection="column" width={columns} height={regions.height}>
      <Box flexDirection="row" flexGrow={1}>
        <Box flexDirection="column" width={regions.leftWidth}>
          <ContactsPane width={regions.leftWidth} height={regions.contactsHeight} />
          <GroupsPane width={regions.leftWidth} height={regions.groupsHeight} />
        </Box>
        <Box flexDirection="column" width={regions.rightWidth}>
          {overlay === 'help' ? (
            // The help takes the whole right column: every key and command fits a 24-row terminal.
            <HelpOverlay width={regions.rightWidth} height={regions.height - 1} />
          ) : (
            <>
              {overlay === 'switcher' ? (
                <QuickSwitcher width={regions.rightWidth} />
              ) : overlay === 'sessions' ? (
                <SessionsOverlay width={regions.rightWidth} height={regions.messagesHeight - (infoRows - 1)} />
              ) : overlay === 'password' ? (
                <PasswordDialog width={regions.rightWidth} />
              ) : (
                <MessagesPane width={regions.rightWidth} height={regions.messagesHeight - (infoRows - 1)} />
              )}
              <Box height={infoRows} width={regions.rightWidth}>
                {/* Mounted (drawing nothing) when closed, so the keys typed right after Ctrl-F reach it. */}
                <SearchBar />
                {overlay === 'search' ? null : <InfoLine width={regions.rightWidth} />}
              </Box>
              <Composer width={regions.rightWidth} messageRows={regions.messagesHeight - 3} />
            </>
          )}
        </Box>
      </Box>
      <StatusBar width={columns} />
    </Box>
  );
}
