import { Box, Text, useInput, type Key } from 'ink';
import { useRef, useState } from 'react';
import { eachKey } from '../keys/burst.js';
import { Command, describeCommand } from '../keys/keyBindings.js';
import { isCommand, isText, matchCommand } from '../keys/keyMatchers.js';
import { outsidePaste, pastedLine, trackPaste } from '../keys/paste.js';
import { initialLoginFields, loginReducer, type LoginAction, type LoginMode } from '../state/login-reducer.js';
import { theme } from '../theme.js';

export type { LoginMode } from '../state/login-reducer.js';

export interface LoginScreenProps {
  readonly initialName?: string | undefined;
  /** The coordinator tried, shown in errors about reaching it. */
  readonly server: string;
  /** Opens the account; rejects with the error to show. `progress` reports steps (key generation, backlog). */
  readonly onSubmit: (name: string, password: string, mode: LoginMode, progress: (step: string) => void) => Promise<void>;
  readonly onQuit: () => void;
}

/** What went wrong, in the words a person needs (and the address tried when it is unreachable). */
export function describeLoginError(error: unknown, server: string, mode: LoginMode): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'wrong_password' || code === 'bad_credentials') return 'wrong name or password';
  if (code === 'name_taken') return 'that name is taken: choose another, or log in (Ctrl-T)';
  if (code === 'connect_failed') return `server unreachable: ${message}`;
  if (code === 'timeout' || code === 'connection_closed') return `server unreachable at ${server}: ${message}`;
  if (code === 'bad_request' && mode === 'signup') return `not a valid name or password: ${message}`;
  return message;
}

/** Name and masked password, log in or sign up, inline errors, progress while keys are made. */
export function LoginScreen({ initialName, server, onSubmit, onQuit }: LoginScreenProps) {
  const [fields, setFields] = useState(() => initialLoginFields(initialName));
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  // The fields and the busy step as of the last key, ahead of rendering: every key of a burst
  // (a paste, fast typing, Backspaces) edits what the key before it left, not the last frame.
  const fieldsRef = useRef(fields);
  const busyRef = useRef<string | undefined>(undefined);
  const apply = (action: LoginAction) => {
    fieldsRef.current = loginReducer(fieldsRef.current, action);
    setFields(fieldsRef.current);
  };
  const showBusy = (step: string | undefined) => {
    busyRef.current = step;
    setBusy(step);
  };

  const submit = () => {
    const { name, password, mode } = fieldsRef.current;
    if (name.trim() === '') return apply({ type: 'focus', field: 'name' });
    if (password === '') return apply({ type: 'focus', field: 'password' });
    setError(undefined);
    showBusy(mode === 'signup' ? 'signing up…' : 'logging in…');
    onSubmit(name.trim(), password, mode, showBusy).catch((e: unknown) => {
      showBusy(undefined);
      setError(describeLoginError(e, server, mode));
    });
  };

  const onKey = (input: string, key: Key) => {
    const command = matchCommand(
      [
        Command.Quit,
        Command.ToggleSignup,
        Command.FocusNext,
        Command.FocusPrevious,
        Command.SelectNext,
        Command.SelectPrevious,
        Command.Submit,
        Command.DeleteBack,
      ],
      input,
      key,
    );
    if (command === Command.Quit) return onQuit();
    if (busyRef.current) return;
    if (command === Command.ToggleSignup) return apply({ type: 'toggleMode' });
    if (
      command === Command.FocusNext ||
      command === Command.FocusPrevious ||
      command === Command.SelectNext ||
      command === Command.SelectPrevious
    )
      return apply({ type: 'switchField' });
    if (command === Command.Submit) {
      const { field, password } = fieldsRef.current;
      return field === 'name' && password === '' ? apply({ type: 'focus', field: 'password' }) : submit();
    }
    if (command === Command.DeleteBack) return apply({ type: 'backspace' });
    if (isText(input, key)) apply({ type: 'type', text: input });
  };
  // A burst's Tab, Enter, Backspace and Ctrl-T act in order, where they fall among the characters;
  // inside a paste, line ends and tabs are dropped: a pasted password never submits half of itself.
  const paste = useRef(outsidePaste());
  useInput((input, key) => {
    if (trackPaste(paste.current, input, key)) return;
    // Ctrl-C quits even inside a paste whose end marker never came.
    if (!paste.current.inside || isCommand(Command.Quit, input, key)) return eachKey(input, key, onKey);
    const pasted = pastedLine(paste.current, input, key);
    if (pasted !== '' && !busyRef.current) apply({ type: 'type', text: pasted });
  });

  const { name, password, field, mode } = fields;
  const cursor = (active: boolean) => (active && !busy ? <Text inverse> </Text> : null);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.accent} paddingX={2} paddingY={1} width={64}>
      <Text bold color={theme.accent}>
        fastchat · end-to-end encrypted chat
      </Text>
      <Text dimColor>server {server}</Text>
      <Box marginTop={1}>
        <Text bold={mode === 'login'} inverse={mode === 'login'}>
          {' '}
          log in{' '}
        </Text>
        <Text> </Text>
        <Text bold={mode === 'signup'} inverse={mode === 'signup'}>
          {' '}
          sign up{' '}
        </Text>
        <Text dimColor>{`  (${describeCommand(Command.ToggleSignup)} switches)`}</Text>
      </Box>
      <Box marginTop={1}>
        <Text color={field === 'name' ? theme.accent : undefined} bold={field === 'name'}>
          {'name:     '}
        </Text>
        <Text>{name}</Text>
        {cursor(field === 'name')}
      </Box>
      <Box>
        <Text color={field === 'password' ? theme.accent : undefined} bold={field === 'password'}>
          {'password: '}
        </Text>
        <Text>{'•'.repeat(password.length)}</Text>
        {cursor(field === 'password')}
      </Box>
      <Box marginTop={1}>
        {busy ? (
          <Text color={theme.pending}>⏳ {busy}</Text>
        ) : error ? (
          <Text color={theme.danger} bold>
            ✗ {error}
          </Text>
        ) : (
          <Text dimColor>Enter to {mode === 'signup' ? 'sign up' : 'log in'} · Tab switches field · Ctrl-C quits</Text>
        )}
      </Box>
    </Box>
  );
}
