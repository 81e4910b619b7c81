import { FINAL_SEND_CODES } from '../../protocol/index.js';
import { RequestError } from '../errors.js';

/** One `send` of a connection, numbered in the order the connection received it. */
export interface SendTicket {
  readonly number: number;
  /**
   * Resolves once every earlier send of the connection has entered the writer or been refused;
   * undefined when that was already so as the ticket was taken (the common case: no promise made).
   */
  readonly turn: Promise<void> | undefined;
  /** This send has entered the writer or been refused: the next one may go. Safe to call twice. */
  readonly done: () => void;
}

/** Whether a ticket is done, and how to wake the one after it if that one is waiting. */
interface TicketState {
  done: boolean;
  release: (() => void) | undefined;
}

/** What a hold is keyed by: the conversation, or for a send refused before it was found, its `to`. */
export type StreamKey = `conversation:${number}` | `to:${number}`;

/**
 * The order promise of one connection (protocol.md § Delivery, "In the order sent"): its sends to one
 * conversation take seqs in the order it sent them.
 *
 * - Each send takes a ticket as it starts, in arrival order, and enters the writer only after every
 *   earlier send of the connection has entered it or been refused. Without this, work a send does
 *   before the writer (finding or creating a direct conversation on first use) lets a later send
 *   overtake an earlier one: pipelined first messages to a new contact raced so. The writer keeps
 *   what it is given in order (message-writer.ts).
 * - A send refused for a reason that is not final (rate_limited, internal, ...) holds its stream: the
 *   connection's later sends to that conversation are refused with `out_of_order` until the refused
 *   `cid` is sent again. Otherwise a later message would be stored before the one the client resends.
 */
export class SendOrder {
  #issued = 0;
  /** The latest ticket's state: the next ticket waits for it. */
  #last: TicketState = { done: true, release: undefined };
  /** Per stream, the first send refused and not yet sent again. */
  readonly #held = new Map<StreamKey, { readonly cid: string; readonly ticket: number }>();

  /** The next ticket: taken as the send starts, before anything it awaits. */
  take(): SendTicket {
    const number = ++this.#issued;
    const previous = this.#last;
    const turn = previous.done ? undefined : new Promise<void>((resolve) => (previous.release = resolve));
    const state: TicketState = { done: false, release: undefined };
    this.#last = state;
    const done = (): void => {
      if (state.done) return;
      state.done = true;
      state.release?.();
    };
    return { number, turn, done };
  }

  /**
   * Lets the send with `ticket` and `cid` into the writer, or refuses it with `out_of_order` while an
   * earlier send of one of its streams is held. The held send itself, sent again, lifts the hold.
   */
  admit(ticket: number, cid: string, streams: readonly StreamKey[]): void {
    // Nothing held (the common case): nothing to look up or allocate.
    if (this.#held.size === 0) return;
    const blocking = streams
      .map((key) => [key, this.#held.get(key)] as const)
      .filter(([, held]) => held !== undefined && held.ticket < ticket);
    const other = blocking.find(([, held]) => held!.cid !== cid);
    if (other) {
      throw new RequestError(
        'out_of_order',
        `an earlier message (cid ${other[1]!.cid}) was not stored; send it again first, then this one`,
      );
    }
    for (const [key] of blocking) this.#held.delete(key);
  }

  /** A send was refused with `code`: unless that is final, its streams are held until it comes again. */
  refused(ticket: number, cid: string, streams: readonly StreamKey[], code: string): void {
    if (code === 'out_of_order' || (FINAL_SEND_CODES as ReadonlySet<string>).has(code)) return;
    for (const key of streams) {
      const held = this.#held.get(key);
      // The earliest refused send holds: the client resends from it on.
      if (held === undefined || held.ticket > ticket) this.#held.set(key, { cid, ticket });
    }
  }

  /** Logged out: what the last user left held is no business of the next. */
  forget(): void {
    this.#held.clear();
  }
}

/** The stream of a send to `conversationId`. */
export const conversationStream = (conversationId: number): StreamKey => `conversation:${conversationId}`;
