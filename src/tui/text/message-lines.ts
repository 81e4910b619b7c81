import { describeEvent, notableSentAt } from '../../client/index.js';
import { inert } from '../../util/inert-text.js';
import { deliveryState, readCount, userName } from '../state/selectors.js';
import type { AppState, DeliveryState, MessageItem } from '../state/types.js';
import { theme, type ThemeColour } from '../theme.js';

/** The slices a message's lines are drawn from. */
type Drawn = Pick<AppState, 'account' | 'directory' | 'chat'>;
import { displayWidth, wrapText } from './display-width.js';

/** A styled run of text on one line. */
export interface Segment {
  readonly text: string;
  readonly color?: ThemeColour;
  readonly bold?: boolean;
  readonly dim?: boolean;
  readonly inverse?: boolean;
}

export interface ScreenLine {
  readonly key: string;
  readonly segments: readonly Segment[];
}

const STATE_MARK = { queued: '◷ queued', sent: '✓ sent', delivered: '✓✓ delivered', read: '✓✓ read', failed: '✗ FAILED' } as const;

/** The mark of an own message; in a group read by some but not all: "✓✓ read by 2/3" (docs/tui.md). */
function stateMark(state: Drawn, conversation: number, m: MessageItem, s: DeliveryState): string {
  if ((s === 'sent' || s === 'delivered') && state.directory.conversations[conversation]?.kind === 'group') {
    const { read, of } = readCount(state, conversation, m);
    if (read > 0) return `${s === 'delivered' ? '✓✓' : '✓'} read by ${read}/${of}`;
  }
  return STATE_MARK[s];
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function clock(ts: number): string {
  const d = new Date(ts);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

export function day(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

function dayLabel(ts: number): string {
  const d = new Date(ts);
  return `${d.toLocaleDateString('en-GB', { weekday: 'short' })} ${day(ts)}`;
}

/** The lines of one message: a header with time, sender and marks, then the text wrapped under it. */
export function messageLines(state: Drawn, conversation: number, m: MessageItem, width: number, highlight = false): ScreenLine[] {
  const key = m.cid;
  const time: Segment = { text: `${clock(m.ts)} `, dim: true };
  if (m.trust === 'event') return [{ key, segments: [time, { text: `* ${describeEvent(m, (id) => userName(state, id))}`, dim: true }] }];
  const own = m.from === state.account.me.id;
  const name = userName(state, m.from);
  const marks: Segment[] = [];
  if (own) {
    const s = deliveryState(state, conversation, m);
    marks.push({
      text: ` ${stateMark(state, conversation, m, s)}`,
      color: s === 'failed' ? theme.danger : s === 'read' ? theme.good : theme.muted,
      bold: s === 'failed',
    });
  } else if (m.trust === 'verified') {
    marks.push({ text: ' ✓', color: theme.good });
  } else if (m.trust === 'unverified') {
    marks.push({
      text: ` ⚠ UNVERIFIED${m.reason === 'key_changed' ? ': KEY CHANGED' : ''}${m.reason && m.reason !== 'key_changed' ? ` (${m.reason})` : ''} `,
      color: theme.danger,
      bold: true,
      inverse: true,
    });
  } else {
    marks.push({ text: ` ✗ UNDECRYPTABLE${m.reason ? ` (${m.reason})` : ''} `, color: theme.danger, bold: true, inverse: true });
  }
  const sentAt = notableSentAt(m);
  // The signed send time where it is far from the server's: a line queued offline, or one stored again.
  if (sentAt !== undefined)
    marks.push({ text: ` (sent ${day(sentAt) === day(m.ts) ? clock(sentAt) : `${day(sentAt)} ${clock(sentAt)}`})`, dim: true });
  const header: Segment[] = [time, { text: own ? `▸ ${name}` : name, bold: true, color: own ? theme.accent : theme.peer }, ...marks];
  const lines: ScreenLine[] = [{ key: `${key}:h`, segments: header }];
  if (m.text !== undefined) {
    const indent = 6;
    const body = wrapText(inert(m.text, true), Math.max(10, width - indent));
    body.forEach((text, i) =>
      lines.push({
        key: `${key}:${i}`,
        segments: [{ text: ' '.repeat(indent) }, { text, ...(highlight ? { inverse: true } : own ? { color: theme.accent } : {}) }],
      }),
    );
  }
  if (own && deliveryState(state, conversation, m) === 'failed') lines.push(...failureLines(key, m.error, width));
  return lines;
}

/**
 * Why an own message failed, wrapped under it in full: a reason says what to do (a changed key's
 * names the /trust to run), so it is never cut at the pane's edge. The reason is the server's or the
 * client's text, made inert.
 */
function failureLines(key: string, error: string | undefined, width: number): ScreenLine[] {
  const indent = 6;
  const reason = inert(error ?? 'not sent', true);
  // A reason that already says how to retry needs no second hint.
  const text = reason.includes('Ctrl-R') ? reason : `${reason} (Ctrl-R retries)`;
  return wrapText(text, Math.max(10, width - indent)).map((line, i) => ({
    key: `${key}:failed:${i}`,
    segments: [{ text: ' '.repeat(indent) }, { text: line, color: theme.danger }],
  }));
}

/**
 * The lines that fill a pane of `height` rows with the message `scroll` places above the newest
 * at the bottom. Only the messages that show are measured and wrapped, so the cost does not grow
 * with the conversation (10,000 messages render as fast as 10).
 */
export function visibleLines(
  state: Drawn & Pick<AppState, 'view'>,
  conversation: number,
  width: number,
  height: number,
  highlightCid?: string,
): ScreenLine[] {
  const items = state.chat.messages[conversation]?.items ?? [];
  const out: ScreenLine[] = [];
  for (let i = items.length - 1 - state.view.scroll; i >= 0 && out.length < height; i--) {
    const m = items[i]!;
    const lines = messageLines(state, conversation, m, width, m.cid === highlightCid);
    const previous = items[i - 1];
    if (!previous || day(previous.ts) !== day(m.ts)) {
      const label = ` ${dayLabel(m.ts)} `;
      const side = Math.max(2, Math.floor((width - displayWidth(label)) / 2));
      lines.unshift({ key: `${m.cid}:day`, segments: [{ text: `${'─'.repeat(side)}${label}${'─'.repeat(side)}`, dim: true }] });
    }
    out.unshift(...lines);
  }
  return out.slice(Math.max(0, out.length - height));
}
