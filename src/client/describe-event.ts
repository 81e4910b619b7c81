import { inert } from '../util/inert-text.js';
import type { ChatMessage } from './message-reader.js';

/**
 * A membership event as a sentence ("alice added bob"), with names from `nameOf` and the group name
 * shown inert. Empty for a chat message. Shared by the scriptable commands and the TUI.
 */
export function describeEvent(
  message: Pick<ChatMessage, 'kind' | 'from' | 'subject' | 'text'>,
  nameOf: (userId: number) => string,
): string {
  const actor = nameOf(message.from);
  const subject = message.subject === undefined ? '' : nameOf(message.subject);
  switch (message.kind) {
    case 'created':
      return `${actor} created the group "${inert(message.text ?? '')}"`;
    case 'renamed':
      return `${actor} renamed the group to "${inert(message.text ?? '')}"`;
    case 'member_added':
      return `${actor} added ${subject}`;
    case 'member_removed':
      return `${actor} removed ${subject}`;
    case 'member_left':
      return `${subject || actor} left`;
    case 'message':
      return '';
  }
}
