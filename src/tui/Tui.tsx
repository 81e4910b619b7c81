import { Box, useApp } from 'ink';
import { useCallback, useState } from 'react';
import { ChatClient, firstPinNotice, requireStrongPassword, type ChatClientOptions, type ClientTls } from '../client/index.js';
import { AppContainer } from './AppContainer.js';
import type { TuiClient } from './chat-port.js';
import { LoginScreen, type LoginMode } from './components/LoginScreen.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';

/** A client that can be started (ChatClient, or a fake in tests). */
export type StartableClient = TuiClient & { start(): Promise<void> };

export interface TuiProps {
  readonly server: { readonly host: string; readonly port: number };
  readonly home: string;
  /** Pre-fills the name on the login screen. */
  readonly initialName?: string | undefined;
  /** @default true */
  readonly bell?: boolean;
  /** Opens an account. @default ChatClient.open */
  readonly openClient?: (options: ChatClientOptions) => Promise<StartableClient>;
  /** Called once the user quits and the client is closed. */
  readonly onExit?: () => void;
  /** Reach the server over TLS (the default of fastchat; --ca for a CA); absent: plain TCP (fastchat --plaintext). */
  readonly tls?: ClientTls | undefined;
}

/** The whole TUI: the login screen, then the chat once logged in. */
export function Tui({ server, home, initialName, bell = true, openClient = (options) => ChatClient.open(options), onExit, tls }: TuiProps) {
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [client, setClient] = useState<StartableClient | undefined>(undefined);
  const address = `${server.host}:${server.port}`;

  const quit = useCallback(() => {
    const done = () => {
      onExit?.();
      exit();
    };
    if (client) client.close().then(done, done);
    else done();
  }, [client, exit, onExit]);

  const login = useCallback(
    async (name: string, password: string, mode: LoginMode, progress: (step: string) => void) => {
      if (mode === 'signup') await requireStrongPassword(name, password);
      const opened = await openClient({ coordinator: server, home, name, password, mode, progress, ...(tls ? { tls } : {}) });
      progress('syncing conversations…');
      try {
        await opened.start();
      } catch (error) {
        await opened.close();
        throw error;
      }
      setClient(opened);
    },
    [openClient, server, home, tls],
  );

  if (!client) {
    return (
      <Box width={columns} height={Math.max(10, rows - 1)} alignItems="center" justifyContent="center">
        <LoginScreen initialName={initialName} server={address} onSubmit={login} onQuit={quit} />
      </Box>
    );
  }
  // The TUI owns the screen, so a certificate pinned on first use is told here rather than on stderr.
  const firstPin = tls && 'trust' in tls ? tls.trust.firstPins.at(-1) : undefined;
  const initialNotice = firstPin ? { level: 'info' as const, text: firstPinNotice(firstPin.host, firstPin.fingerprint) } : undefined;
  return <AppContainer client={client} server={address} bell={bell} onQuit={quit} initialNotice={initialNotice} />;
}
