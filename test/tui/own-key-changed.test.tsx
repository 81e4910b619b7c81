import { expect, it } from 'vitest';
import { renderApp } from './render-app.js';

it('says at once, in full, when the identity key was replaced from another session', async () => {
  const { client, ui } = await renderApp();
  await ui.waitFor('#team');
  client.fire('ownKeyChanged', { fingerprint: '55555 66666 77777' });
  const frame = await ui.waitFor('⚠ Your identity key was replaced from another session: now');
  // Wider than the info line: every word of it is on the screen.
  const words = frame
    .replace(/[│╭╮╰╯─]/g, ' ')
    .split(/\s+/)
    .join(' ');
  expect(words).toContain(
    'now 55555 66666 77777. If that was you (fastchat keys new), restart fastchat to use it; if not, someone has your password and your key. (Esc)',
  );
});
