import { AppContainer } from '../../src/tui/AppContainer.js';
import { renderTui, type RenderedTui } from '../support/render-tui.js';
import { direct, FakeClient, group, user } from './fake-client.js';

export interface AppFixture {
  readonly client: FakeClient;
  readonly ui: RenderedTui;
  readonly bells: number[];
  readonly quits: number[];
}

/** alice (1) with contacts bob (2, online), carol (3, offline); a direct chat with bob (10) and #team (20). */
export function fixtureClient(): FakeClient {
  const client = new FakeClient();
  client.users.push(user(1, 'alice'), user(2, 'bob'), user(3, 'carol', false));
  client.conversations.set(10, direct(10, 1, 2));
  client.conversations.set(20, group(20, 'team', [1, 2, 3]));
  return client;
}

/** The app over a FakeClient, as logged in. */
export async function renderApp(client = fixtureClient()): Promise<AppFixture> {
  const bells: number[] = [];
  const quits: number[] = [];
  const ui = renderTui(
    <AppContainer client={client} server="127.0.0.1:9000" ring={() => bells.push(Date.now())} onQuit={() => quits.push(1)} />,
  );
  await ui.waitFor('bob');
  return { client, ui, bells, quits };
}
