import { Box, Text } from 'ink';
import { SLASH_COMMANDS } from '../commands/registry.js';
import { COMMAND_HELP, describeCommand } from '../keys/keyBindings.js';
import { theme } from '../theme.js';

const NO_BREAK_SPACE = '\u00a0';

/** Every key and every command (`?` or `/help`), compact enough for a 24-row terminal; Esc or `?` closes it. */
export function HelpOverlay({ width, height }: { readonly width: number; readonly height: number }) {
  return (
    <Box flexDirection="column" width={width} height={height} borderStyle="double" borderColor={theme.accent} paddingX={1}>
      {COMMAND_HELP.filter((group) => group.where !== 'Login').map((group, i) => (
        <Text key={group.where} wrap="wrap">
          {i === 0 ? (
            <Text bold color={theme.accent}>
              {'fastchat help (Esc or ? closes) · '}
            </Text>
          ) : null}
          <Text bold color={theme.peer}>{`${group.where}: `}</Text>
          {group.commands.map(([command, text]) => `${describeCommand(command)} ${text}`).join(' · ')}
        </Text>
      ))}
      <Text wrap="wrap">
        <Text bold color={theme.peer}>
          {'Commands: '}
        </Text>
        {/* A usage never breaks across lines (no-break spaces): `/trust` on one line and `USER` on the next reads as two things. */}
        {SLASH_COMMANDS.map((c) => `${c.usage.replaceAll(' ', NO_BREAK_SPACE)} ${c.describe}`).join(' · ')}
      </Text>
    </Box>
  );
}
