import { homedir } from 'node:os';
import { join } from 'node:path';

/** The XDG data home: $XDG_DATA_HOME, or ~/.local/share when it is unset or not absolute (as the spec says). */
export function xdgDataHome(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.XDG_DATA_HOME;
  return configured && configured.startsWith('/') ? configured : join(homedir(), '.local', 'share');
}

/** Default folder of the server's embedded database. */
export function defaultServerDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDataHome(env), 'fastchat', 'server');
}

/** Default folder of a client's keys and state. */
export function defaultClientHome(env: NodeJS.ProcessEnv = process.env): string {
  return join(xdgDataHome(env), 'fastchat');
}
