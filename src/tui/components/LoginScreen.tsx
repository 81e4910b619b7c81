import { Box, Text, useInput } from 'ink';
import { useState } from 'react';
import { Command, describeCommand } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';

export type LoginMode = 'login' | 'signup';

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
  const [name, setName] = useState(initialName ?? '');
  const [password, setPassword] = useState('');
  const [field, setField] = useState<'name' | 'password'>(initialName ? 'password' : 'name');
  const [mode, setMode] = useState<LoginMode>('login');
  const [busy, setBusy] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);

  const submit = (name: string, password: string) => {
    if (name.trim() === '') return setField('name');
    if (password === '') return setField('password');
    setError(undefined);
    setBusy(mode === 'signup' ? 'signing up…' : 'logging in…');
    onSubmit(name.trim(), password, mode, (step) => setBusy(step)).catch((e: unknown) => {
      setBusy(undefined);
      setError(describeLoginError(e, server, mode));
    });
  };

  useInput((input, key) => {
    const command = matchCommand([Command.Quit, Command.ToggleSignup, Command.FocusNext, Command.FocusPrevious, Command.SelectNext, Command.SelectPrevious, Command.Submit, Command.DeleteBack], input, key);
    if (command === Command.Quit) return onQuit();
    if (busy) return;
    if (command === Command.ToggleSignup) return setMode((m) => (m === 'login' ? 'signup' : 'login'));
    if (command === Command.FocusNext || command === Command.FocusPrevious || command === Command.SelectNext || command === Command.SelectPrevious) {
      return setField((f) => (f === 'name' ? 'password' : 'name'));
    }
    if (command === Command.Submit) return field === 'name' && password === '' ? setField('password') : submit(name, password);
    const edit = field === 'name' ? setName : setPassword;
    if (command === Command.DeleteBack) return edit((v) => v.slice(0, -1));
    if (!isText(input, key)) return;
    // Fast typing or a paste can bring Tab or Enter inside one chunk: honour them in order.
    const [typed, after] = input.split(/[\r\n\t]/, 2) as [string, string | undefined];
    edit((v) => v + typed);
    if (after === undefined) return;
    const separator = input[typed.length];
    if (separator === '\t' || field === 'name') {
      setField(field === 'name' ? 'password' : 'name');
      if (field === 'name' && after) setPassword((v) => v + after.replace(/[\r\n\t]/g, ''));
    } else submit(name, password + typed);
  });

  const cursor = (active: boolean) => (active && !busy ? <Text inverse> </Text> : null);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="cyan" paddingX={2} paddingY={1} width={64}>
      <Text bold color="cyan">fastchat · end-to-end encrypted chat</Text>
      <Text dimColor>server {server}</Text>
      <Box marginTop={1}>
        <Text bold={mode === 'login'} inverse={mode === 'login'}> log in </Text>
        <Text> </Text>
        <Text bold={mode === 'signup'} inverse={mode === 'signup'}> sign up </Text>
        <Text dimColor>{`  (${describeCommand(Command.ToggleSignup)} switches)`}</Text>
      </Box>
      <Box marginTop={1}>
        <Text color={field === 'name' ? 'cyan' : undefined}>{'name:     '}</Text>
        <Text>{name}</Text>
        {cursor(field === 'name')}
      </Box>
      <Box>
        <Text color={field === 'password' ? 'cyan' : undefined}>{'password: '}</Text>
        <Text>{'•'.repeat(password.length)}</Text>
        {cursor(field === 'password')}
      </Box>
      <Box marginTop={1}>
        {busy ? <Text color="yellow">⏳ {busy}</Text> : error ? <Text color="red" bold>✗ {error}</Text> : <Text dimColor>Enter to {mode === 'signup' ? 'sign up' : 'log in'} · Tab switches field · Ctrl-C quits</Text>}
      </Box>
    </Box>
  );
}
