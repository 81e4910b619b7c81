import { useInput, type Key } from 'ink';
import { useCallback, useLayoutEffect, useRef } from 'react';

/**
 * Ink's `useInput`, with the handler and `isActive` of the last COMMITTED render. Ink subscribes the
 * handler in a passive effect, re-subscribing after every render, and React runs passive effects some
 * time after the frame is committed: a key that arrives in between (the next key of fast typing, or
 * any key on a busy machine) went to the handler of the render before, or to none when the component
 * had just become active (the composer right after Enter opened a conversation). Here one listener
 * stays subscribed and reads the latest handler, which a layout effect sets during the commit itself.
 */
export function useKeypress(handler: (input: string, key: Key) => void, options: { readonly isActive?: boolean } = {}): void {
  const latest = useRef({ handler, active: options.isActive ?? true });
  useLayoutEffect(() => {
    latest.current = { handler, active: options.isActive ?? true };
  });
  const listener = useCallback((input: string, key: Key) => {
    if (latest.current.active) latest.current.handler(input, key);
  }, []);
  useInput(listener);
}
