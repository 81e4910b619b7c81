import { expect, it } from 'vitest';
import { ReplayGuard } from '../../src/client/replay-guard.js';

it("a forgery with a high index in the sender's name (a member knows the session key) does not make their next messages look replayed", () => {
  const marks = new Map<string, { index: number; seq: number }>();
  const state = {
    sessionMark: (k: string) => marks.get(k),
    setSessionMark: (k: string, v: { index: number; seq: number }) => void marks.set(k, v),
  };
  const guard = new ReplayGuard(state as never);
  const session = Buffer.alloc(16, 7);
  const at = (index: number, seq: number) => ({ conversation: 1, sender: 2, sessionId: session, index, seq });
  expect(guard.check(at(0, 10), true)).toBe(true);
  expect(guard.check(at(1000, 11), false)).toBe(true); // a forgery: fits, shown unverified anyway, not recorded
  expect(guard.check(at(1, 12), true)).toBe(true); // the real next message
  expect(guard.check(at(0, 13), true)).toBe(false); // a copy of the first
  expect(guard.check(at(0, 10), true)).toBe(true); // the first, read again from history
  expect(guard.check(at(1, 9), true)).toBe(false); // a later index placed before an earlier one
});
