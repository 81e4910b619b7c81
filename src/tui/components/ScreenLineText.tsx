import { Text } from 'ink';
import type { ScreenLine } from '../text/message-lines.js';

/** One screen line of styled segments, cut (never wrapped) at the pane's edge. */
export function ScreenLineText({ line }: { readonly line: ScreenLine }) {
  return (
    <Text wrap="truncate-end">
      {line.segments.map((s, i) => (
        <Text
          key={i}
          {...(s.color ? { color: s.color } : {})}
          bold={s.bold ?? false}
          dimColor={s.dim ?? false}
          inverse={s.inverse ?? false}
        >
          {s.text}
        </Text>
      ))}
    </Text>
  );
}
