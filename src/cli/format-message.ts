import type { ChatClient } from '../client/index.js';
import { describeEvent, groupLabel, notableSentAt, type ChatMessage } from '../client/index.js';
import { inert, inertJson } from '../util/inert-text.js';

/** Where a message was said: "you" for a direct conversation, "#name" (or "#name#id" when names are shared) for a group. */
function place(client: ChatClient, message: ChatMessage): { to?: string; group?: string } {
  const conversation = client.conversations.get(message.conversation);
  if (conversation?.kind === 'group')
    return {
      group: conversation.name === undefined ? `group#${message.conversation}` : groupLabel(conversation, client.conversations.values()),
    };
  const other = conversation?.members.find((m) => m.user !== message.from)?.user ?? client.user.id;
  return { to: client.nameOf(other) };
}

const TRUST_MARK: Record<ChatMessage['trust'], string> = {
  verified: '✓',
  unverified: '⚠ UNVERIFIED',
  undecryptable: '✗ UNDECRYPTABLE',
  event: '*',
};

/** One line for a person: `2026-11-25 10:00 alice → bob ✓ text` (control characters shown inert). */
export function formatLine(client: ChatClient, message: ChatMessage): string {
  const time = new Date(message.ts).toISOString().slice(0, 16).replace('T', ' ');
  const where = place(client, message);
  const route = where.group ? `#${inert(where.group)} ${client.nameOf(message.from)}` : `${client.nameOf(message.from)} → ${where.to}`;
  if (message.trust === 'event')
    return `${time} ${where.group ? `#${inert(where.group)} ` : ''}* ${describeEvent(message, (id) => client.nameOf(id))}`;
  // A legacy (2022) client signs nothing: say where the message came from rather than just "legacy".
  const reason = message.reason === 'legacy' ? ' (from a legacy 2022 client)' : message.reason ? ` (${message.reason})` : '';
  const text = message.text === undefined ? '' : ` ${inert(message.text)}`;
  const sentAt = notableSentAt(message);
  const sent = sentAt === undefined ? '' : ` (sent ${new Date(sentAt).toISOString().slice(0, 16).replace('T', ' ')})`;
  return `${time} ${route} ${TRUST_MARK[message.trust]}${reason}${sent}${text}`;
}

/** One JSON object for scripts: at least from, to or group, text, ts, verified (util/inert-text.ts: inertJson). */
export function formatJson(client: ChatClient, message: ChatMessage): string {
  // Printed to a terminal as often as read by a script: the same value, with nothing in it to obey.
  return inertJson({
    from: client.nameOf(message.from),
    ...place(client, message),
    text: message.text ?? null,
    ts: new Date(message.ts).toISOString(),
    ...(message.sentAt === undefined ? {} : { sentAt: new Date(message.sentAt).toISOString() }),
    verified: message.trust === 'verified',
    trust: message.trust,
    ...(message.reason ? { reason: message.reason } : {}),
    kind: message.kind,
    conversation: message.conversation,
    seq: message.seq,
  });
}
