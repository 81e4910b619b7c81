import type { TuiClient } from '../chat-port.js';
import type { Action } from '../state/app-reducer.js';
import type { AppState } from '../state/types.js';

/** What a slash command can use: the client, the state when it ran, and the app's actions. */
export interface CommandContext {
  readonly client: TuiClient;
  readonly state: AppState;
  readonly dispatch: (action: Action) => void;
  readonly actions: ChatActions;
}

/** The app-level operations commands and keys share (AppContainer provides them). */
export interface ChatActions {
  openConversation(conversation: number): void;
  /** Opens (creating on first use) the direct conversation with a user; returns its id. */
  openUser(userId: number): Promise<number>;
  send(conversation: number, text: string): Promise<void>;
  search(query: string): Promise<void>;
  loadOlder(conversation: number): Promise<void>;
  retryFailed(): Promise<void>;
  submit(text: string): Promise<void>;
  /** Opens the list of the user's sessions and loads it. */
  showSessions(): Promise<void>;
  /** Ends one of the user's other sessions, then loads the list again. */
  endSession(session: number): Promise<void>;
  /** Changes the password, the server checking `currentPassword` (typed again). @throws WrongPasswordError */
  changePassword(newPassword: string, currentPassword: string): Promise<void>;
  quit(): void;
  info(text: string): void;
  error(text: string): void;
}

/** A bad argument: shown inline with the usage. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface SlashCommand {
  readonly name: string;
  /** `/msg USER [text]` */
  readonly usage: string;
  readonly describe: string;
  /** `words` are the arguments split on spaces; `rest` is everything after the name, as typed. */
  run(words: readonly string[], rest: string, context: CommandContext): void | Promise<void>;
}

/** The open conversation when it is a group the user is in, else a UsageError. */
export function openGroup(context: CommandContext): { id: number; name: string } {
  const id = context.state.view.open;
  const entry = id === undefined ? undefined : context.state.directory.conversations[id];
  if (!entry || entry.kind !== 'group' || entry.left) throw new UsageError('open a group first');
  return { id: entry.id, name: entry.name ?? `group${entry.id}` };
}
