import { beforeEach, expect, it, vi } from 'vitest';
import { KEYS } from '../support/render-tui.js';
import { message } from './fake-client.js';
import { renderApp } from './render-app.js';

/**
 * What a keystroke in the composer draws again: the composer, and no pane beside it (the state is in
 * slices, state/types.ts, and each pane selects only its own). Each pane is wrapped to count its
 * renders; the wrapped module is the one the layout imports.
 */
const renders = vi.hoisted(() => new Map<string, number>());

function counted<P extends object>(name: string, Component: (props: P) => unknown) {
  return (props: P) => {
    renders.set(name, (renders.get(name) ?? 0) + 1);
    return Component(props);
  };
}

vi.mock('../../src/tui/components/MessagesPane.js', async (original) => {
  const real = await original<typeof import('../../src/tui/components/MessagesPane.js')>();
  return { ...real, MessagesPane: counted('messages', real.MessagesPane) };
});
vi.mock('../../src/tui/components/ContactsPane.js', async (original) => {
  const real = await original<typeof import('../../src/tui/components/ContactsPane.js')>();
  return { ...real, ContactsPane: counted('contacts', real.ContactsPane) };
});
vi.mock('../../src/tui/components/GroupsPane.js', async (original) => {
  const real = await original<typeof import('../../src/tui/components/GroupsPane.js')>();
  return { ...real, GroupsPane: counted('groups', real.GroupsPane) };
});
vi.mock('../../src/tui/components/StatusBar.js', async (original) => {
  const real = await original<typeof import('../../src/tui/components/StatusBar.js')>();
  return { ...real, StatusBar: counted('status', real.StatusBar) };
});
vi.mock('../../src/tui/components/Composer.js', async (original) => {
  const real = await original<typeof import('../../src/tui/components/Composer.js')>();
  return { ...real, Composer: counted('composer', real.Composer) };
});

beforeEach(() => renders.clear());

it('typing in the composer draws the composer again, not the messages, contacts, groups or status bar', async () => {
  const { ui } = await renderApp();
  await ui.press(KEYS.enter);
  await ui.waitFor('message bob');
  const before = new Map(renders);
  await ui.press('h', 'e', 'l', 'l', 'o');
  await ui.waitFor('› hello');
  expect((renders.get('composer') ?? 0) - (before.get('composer') ?? 0)).toBeGreaterThanOrEqual(5);
  for (const pane of ['messages', 'contacts', 'groups', 'status']) expect(renders.get(pane), pane).toBe(before.get(pane));
});

it('a message arriving in the open conversation draws the messages pane again, and the composer is left alone', async () => {
  const { client, ui } = await renderApp();
  await ui.press(KEYS.enter);
  await ui.waitFor('message bob');
  const before = new Map(renders);
  client.fire('message', message(10, 1, 2, 'hi alice'));
  await ui.waitFor('hi alice');
  expect(renders.get('messages')).toBeGreaterThan(before.get('messages')!);
  expect(renders.get('composer')).toBe(before.get('composer'));
});
