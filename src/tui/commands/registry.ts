import { acceptCommand } from './accept.js';
import { blockCommand, unblockCommand } from './block.js';
import { fingerprintCommand } from './fingerprint.js';
import { groupCommand } from './group.js';
import { helpCommand } from './help.js';
import { leaveCommand } from './leave.js';
import { msgCommand } from './msg.js';
import { passwordCommand } from './password.js';
import { quitCommand } from './quit.js';
import { renameCommand } from './rename.js';
import { searchCommand } from './search.js';
import { sessionsCommand } from './sessions.js';
import { trustCommand } from './trust.js';
import { UsageError, type CommandContext, type SlashCommand } from './types.js';
import { whoCommand } from './who.js';

export const SLASH_COMMANDS: readonly SlashCommand[] = [
  msgCommand,
  groupCommand,
  leaveCommand,
  renameCommand,
  whoCommand,
  searchCommand,
  fingerprintCommand,
  trustCommand,
  acceptCommand,
  blockCommand,
  unblockCommand,
  sessionsCommand,
  passwordCommand,
  helpCommand,
  quitCommand,
];

/** Is this composer text a command (`/word`)? `//text` sends "/text". */
export function isSlashCommand(text: string): boolean {
  return /^\/[^/\s]/.test(text);
}

/**
 * Runs a `/command` line. Any failure — unknown command, bad argument, a refusal from the server —
 * becomes an inline error notice; nothing is thrown.
 */
export async function runSlashCommand(line: string, context: CommandContext): Promise<void> {
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line.trim());
  const name = match?.[1]?.toLowerCase() ?? '';
  const rest = match?.[2] ?? '';
  const command = SLASH_COMMANDS.find((c) => c.name === name);
  if (!command) {
    context.actions.error(`unknown command /${name}; /help lists them`);
    return;
  }
  try {
    await command.run(rest.split(/\s+/).filter(Boolean), rest, context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    context.actions.error(error instanceof UsageError ? `${message} (usage: ${command.usage})` : `/${command.name}: ${message}`);
  }
}
