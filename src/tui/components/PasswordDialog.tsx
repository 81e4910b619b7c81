import { Box, Text, type Key } from 'ink';
import { useRef, useState } from 'react';
import { requireStrongPassword } from '../../client/index.js';
import { useAppActions } from '../contexts/AppActionsContext.js';
import { useKeypress } from '../hooks/useKeypress.js';
import { eachKey } from '../keys/burst.js';
import { Command, describeCommand } from '../keys/keyBindings.js';
import { isText, matchCommand } from '../keys/keyMatchers.js';
import { outsidePaste, pastedLine, trackPaste } from '../keys/paste.js';
import { theme } from '../theme.js';

type Step = 'current' | 'new' | 'again';

const LABELS: Readonly<Record<Step, string>> = {
  current: 'current password: ',
  new: 'new password:     ',
  again: 'new, again:       ',
};

/** What a failed change says; the current password was wrong when the server refused it. */
export function describePasswordError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'wrong_password') return 'the current password is wrong';
  return error instanceof Error ? error.message : String(error);
}

/**
 * `/password`: the current password (typed again: a terminal left unlocked is not enough), then the
 * new one twice, shown as dots. What is typed stays in this component, never in the app state.
 */
export function PasswordDialog({ width }: { readonly width: number }) {
  const { dispatch, actions, getState } = useAppActions();
  const typed = useRef<Record<Step, string>>({ current: '', new: '', again: '' });
  const stepRef = useRef<Step>('current');
  const busyRef = useRef(false);
  // A copy of what the dots show; the refs are what keys of one burst act on.
  const [view, setView] = useState({
    step: 'current' as Step,
    lengths: { current: 0, new: 0, again: 0 },
    busy: false,
    error: undefined as string | undefined,
  });
  const show = (error?: string) =>
    setView({
      step: stepRef.current,
      lengths: { current: typed.current.current.length, new: typed.current.new.length, again: typed.current.again.length },
      busy: busyRef.current,
      error,
    });

  const change = () => {
    const { current, new: next, again } = typed.current;
    if (next !== again) {
      typed.current.new = '';
      typed.current.again = '';
      stepRef.current = 'new';
      return show('the two new passwords differ; type the new one again');
    }
    busyRef.current = true;
    show();
    actions
      .changePassword(next, current)
      .then(() => {
        dispatch({ type: 'overlay', overlay: { kind: 'none' } });
        actions.info('password changed: every other session is signed out, and your keys here are sealed under the new password');
      })
      .catch((error: unknown) => {
        busyRef.current = false;
        typed.current = { current: '', new: '', again: '' };
        stepRef.current = 'current';
        show(describePasswordError(error));
      });
  };

  // Said before the new password is typed again, not after.
  const checkStrength = () => {
    busyRef.current = true;
    show();
    // Never rejects: a failed check is shown as its error.
    void requireStrongPassword(getState().account.me.name, typed.current.new)
      .then(() => {
        stepRef.current = 'again';
        return undefined;
      })
      .catch((error: unknown) => {
        typed.current.new = '';
        return describePasswordError(error);
      })
      .then((error) => {
        busyRef.current = false;
        show(error);
      });
  };

  const onKey = (input: string, key: Key) => {
    if (busyRef.current) return;
    const command = matchCommand([Command.Submit, Command.DeleteBack, Command.ClearInput], input, key);
    const step = stepRef.current;
    if (command === Command.Submit) {
      if (typed.current[step] === '') return;
      if (step === 'current') stepRef.current = 'new';
      else if (step === 'new') return checkStrength();
      else return change();
      return show();
    }
    if (command === Command.DeleteBack) typed.current[step] = typed.current[step].slice(0, -1);
    else if (command === Command.ClearInput) typed.current[step] = '';
    else if (isText(input, key)) typed.current[step] += input;
    else return;
    show(view.error);
  };
  // A pasted password goes in whole, its line end dropped: it never submits half of itself.
  const paste = useRef(outsidePaste());
  useKeypress((burst, burstKey) => {
    if (trackPaste(paste.current, burst, burstKey)) return;
    if (!paste.current.inside) return eachKey(burst, burstKey, onKey);
    const pasted = pastedLine(paste.current, burst, burstKey);
    if (pasted !== '' && !busyRef.current) {
      typed.current[stepRef.current] += pasted;
      show();
    }
  });

  const steps: Step[] = ['current', 'new', 'again'];
  return (
    <Box flexDirection="column" width={Math.min(width, 72)} borderStyle="double" borderColor={theme.accent} paddingX={1}>
      <Text bold color={theme.accent}>{`Change your password (${describeCommand(Command.Back)} cancels)`}</Text>
      {steps.map((step) => (
        <Text key={step} wrap="truncate-end">
          <Text color={view.step === step ? theme.accent : undefined} bold={view.step === step}>
            {LABELS[step]}
          </Text>
          {'•'.repeat(view.lengths[step])}
          {view.step === step && !view.busy ? <Text inverse> </Text> : null}
        </Text>
      ))}
      {view.busy ? (
        <Text color={theme.pending}>{view.step === 'new' ? '⏳ checking how guessable it is…' : '⏳ changing the password…'}</Text>
      ) : view.error ? (
        <Text color={theme.danger} bold wrap="wrap">
          ✗ {view.error}
        </Text>
      ) : (
        <Text dimColor wrap="wrap">
          Enter goes on · every other session of yours is signed out
        </Text>
      )}
    </Box>
  );
}
