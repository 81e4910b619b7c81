import { ChatTestClient } from './chat-client.js';

/**
 * A connection logged in as `name` with a login secret, and the resume token the server gave it:
 * what a listener on plain TCP sees of someone's login.
 */
export async function capturedLogin(
  coordinatorPort: number,
  name: string,
  secret: Buffer,
): Promise<{ raw: ChatTestClient; token: Uint8Array }> {
  const raw = await ChatTestClient.connect(coordinatorPort);
  const { resume } = await raw.rpc.request({ t: 'login', name, secret });
  return { raw, token: resume! };
}
