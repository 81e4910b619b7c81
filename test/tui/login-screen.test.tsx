import { describe, expect, it } from 'vitest';
import type { ChatClientOptions } from '../../src/client/chat-client.js';
import { Tui } from '../../src/tui/Tui.js';
import { KEYS, pasted, renderTui } from '../support/render-tui.js';
import { fixtureClient } from './render-app.js';

function codeError(code: string, text: string): Error {
  return Object.assign(new Error(text), { code });
}

/** The login screen with a server that refuses every login, recording what each submit asked for. */
function recordingLogin() {
  const calls: ChatClientOptions[] = [];
  const ui = renderTui(
    <Tui
      server={{ host: '127.0.0.1', port: 9000 }}
      home="/tmp/x"
      openClient={async (options) => {
        calls.push(options);
        throw codeError('wrong_password', 'no');
      }}
    />,
  );
  return { calls, ui };
}

describe('login screen', () => {
  it('pre-fills the name, masks the password, signs up with progress, then shows the chat', async () => {
    const calls: ChatClientOptions[] = [];
    let finish: () => void = () => undefined;
    const ui = renderTui(
      <Tui
        server={{ host: '127.0.0.1', port: 9000 }}
        home="/tmp/x"
        initialName="alice"
        openClient={async (options) => {
          calls.push(options);
          options.progress?.('generating your RSA-3072 identity key…');
          await new Promise<void>((resolve) => (finish = resolve));
          return Object.assign(fixtureClient(), { start: async () => undefined });
        }}
      />,
    );
    let frame = await ui.waitFor('name:     alice');
    await ui.press(KEYS.ctrlT, ...'secret kitchen lamp'.split(''));
    frame = await ui.waitFor('•'.repeat('secret kitchen lamp'.length));
    expect(frame).not.toContain('secret');
    expect(frame).toContain('Enter to sign up');
    await ui.press(KEYS.enter);
    await ui.waitFor('generating your RSA-3072 identity key…');
    expect(calls[0]).toMatchObject({
      name: 'alice',
      password: 'secret kitchen lamp',
      mode: 'signup',
      home: '/tmp/x',
      coordinator: { host: '127.0.0.1', port: 9000 },
    });
    finish();
    await ui.waitFor('Contacts');
  });

  it('shows wrong password, name taken and an unreachable server (with the address) inline', async () => {
    const errors = [
      codeError('wrong_password', 'wrong name or password'),
      codeError('name_taken', 'taken'),
      codeError('connect_failed', 'cannot reach the server at 127.0.0.1:9000: connection refused (is fastchat-server running?)'),
    ];
    const ui = renderTui(
      <Tui server={{ host: '127.0.0.1', port: 9000 }} home="/tmp/x" openClient={async () => Promise.reject(errors.shift()!)} />,
    );
    await ui.press('b', 'o', 'b', KEYS.tab, 'p', 'w', KEYS.enter);
    await ui.waitFor('✗ wrong name or password');
    await ui.press(KEYS.enter);
    await ui.waitFor('✗ that name is taken');
    await ui.press(KEYS.enter);
    const frame = await ui.waitFor('server unreachable');
    expect(frame).toContain('127.0.0.1:9000');
  });

  it('finding 7: a guessable password is refused at signup with the reason, before anything is sent; a login with one is not judged', async () => {
    const { calls, ui } = recordingLogin();
    await ui.waitFor('name:     ');
    await ui.press(...'alice'.split(''), KEYS.tab, ...'alice1'.split(''), KEYS.ctrlT);
    await ui.waitFor('Enter to sign up');
    await ui.press(KEYS.enter);
    await ui.waitFor((f) => f.includes('✗ that password is too easy to guess') && /strength [0-2] of 4/.test(f));
    expect(calls).toEqual([]);
    // An existing account's password is the server's to check, whatever its strength.
    await ui.press(KEYS.ctrlT, KEYS.enter);
    await ui.waitFor('✗ wrong name or password');
    expect(calls).toHaveLength(1);
  });

  it('applies a burst in order: "abc" and three Backspaces in ONE write leave the password empty (no dots)', async () => {
    const ui = renderTui(
      <Tui
        server={{ host: '127.0.0.1', port: 9000 }}
        home="/tmp/x"
        initialName="alice"
        openClient={async () => Promise.reject(new Error('unused'))}
      />,
    );
    await ui.waitFor('name:     alice');
    ui.stdin.write('abc\u007f\u007f\u007f');
    ui.stdin.write('x');
    const frame = await ui.waitFor(/password: •(?!•)/);
    expect(frame).toMatch(/password: •\s/);
    ui.stdin.write('\u007f\u007f\u007f');
    await ui.waitFor((f) => /password:\s+│/.test(f) || /password: \s*$/m.test(f));
    expect(ui.lastFrame()).not.toContain('•');
  });

  it('a burst with Tab, an arrow, Backspace (and Ctrl-H), Ctrl-T and Enter types both fields, switches mode and submits what was typed', async () => {
    const { calls, ui } = recordingLogin();
    await ui.waitFor('name:     ');
    // Ink passes the escape sequence (↓) on its own and the rest as text runs holding control keys.
    ui.stdin.write('bobx\u007f\u001b[Bpw1\b2 long test phrase\u0014\tby\u007f\u007f\r');
    await ui.waitFor('✗ wrong name or password');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'bob', password: 'pw2 long test phrase', mode: 'signup' });
  });

  it('a pasted name and password go in without the paste markers; their line ends never submit; Enter does', async () => {
    const { calls, ui } = recordingLogin();
    await ui.waitFor('name:     ');
    await ui.press(pasted('bob\r\n'));
    await ui.waitFor(/name: +bob/);
    await ui.press(KEYS.tab);
    // The password pasted over three reads, its markers in reads of their own.
    await ui.press(KEYS.pasteStart, 'pass\r', '\nword\r', KEYS.pasteEnd);
    await ui.waitFor('••••••••');
    expect(ui.lastFrame()).not.toMatch(/\[20[01]~|200~|201~/);
    expect(ui.lastFrame()).not.toContain('•••••••••');
    await ui.press(KEYS.enter);
    await ui.waitFor('✗ wrong name or password');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ name: 'bob', password: 'password' });
  });
});
