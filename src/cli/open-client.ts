import { readdir } from 'node:fs/promises';
import { ChatClient, requireStrongPassword } from '../client/index.js';
import { clientTls } from './client-tls.js';
import type { GlobalArgs } from './global-options.js';
import { readPassword } from './password.js';

/** Progress lines on a terminal only, so scripts reading stdout or stderr see none of it. */
export function progressReporter(): (message: string) => void {
  return process.stderr.isTTY ? (message) => process.stderr.write(`${message}\n`) : () => undefined;
}

/** Who the command acts as: --user, else $FASTCHAT_USER, else the only user with a folder in --home. */
export async function resolveUser(args: GlobalArgs): Promise<string> {
  const named = args.user ?? process.env.FASTCHAT_USER;
  if (named) return named;
  const folders = await readdir(args.home, { withFileTypes: true }).catch(() => []);
  const users = folders.filter((f) => f.isDirectory()).map((f) => f.name);
  if (users.length === 1) return users[0]!;
  throw new Error(
    users.length === 0
      ? 'name yourself with --user NAME (no user in --home yet)'
      : `name yourself with --user (one of: ${users.join(', ')})`,
  );
}

/**
 * Logs in as the resolved user and returns the client, not yet started. The password is asked for
 * unless the command already has it (a command that needs it for more than the login asks once).
 */
export async function openClient(
  args: GlobalArgs,
  mode: 'login' | 'signup' = 'login',
  name?: string,
  knownPassword?: string,
): Promise<ChatClient> {
  const user = name ?? (await resolveUser(args));
  const password = knownPassword ?? (await readPassword(`password for ${user}: `, mode === 'signup'));
  if (mode === 'signup') await requireStrongPassword(user, password);
  const tls = await clientTls(args);
  return ChatClient.open({ coordinator: args.server, home: args.home, name: user, password, mode, progress: progressReporter(), tls });
}

/** Runs `work` with a logged-in client (with `password` when the command has it already) and always closes it. */
export async function withClient<T>(args: GlobalArgs, work: (client: ChatClient) => Promise<T>, password?: string): Promise<T> {
  const client = await openClient(args, 'login', undefined, password);
  try {
    await client.start();
    return await work(client);
  } finally {
    await client.close();
  }
}
