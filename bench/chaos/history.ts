/**
 * What a chaos run records, and what the checker judges: the rows the database holds at the end (the
 * truth), what each client sent (in the order it sent) and what each client received (in the order
 * it received), and a timeline of everything that happened, from which a failure's history is cut.
 */

export type RowKind = 'message' | 'created' | 'member_added' | 'member_removed' | 'member_left' | 'renamed';

/** A row of the `messages` table after the run. */
export interface StoredRow {
  readonly conversation: number;
  readonly seq: number;
  readonly mid: number;
  readonly sender: number;
  readonly cid: string;
  readonly kind: RowKind;
  readonly subject: number | null;
}

/** A conversation of the run: a group (with the members it was created with) or a direct one. */
export interface ConversationInfo {
  readonly conversation: number;
  readonly kind: 'direct' | 'group';
  /** Founding members of a group (their window starts at seq 1); both users of a direct conversation. */
  readonly founders: readonly number[];
}

/** One `send` a client made, in the order it made them. */
export interface SendRecord {
  readonly sender: number;
  readonly cid: string;
  /** The user of a direct message, or the group. */
  readonly target: { readonly user: number } | { readonly conversation: number };
  /** The text sent (checked against what recipients decrypt). */
  readonly text: string;
  /** Each `sent` event seen for this cid (a re-ack after a lost reply can repeat one). */
  readonly acks: ReadonlyArray<{ readonly conversation: number; readonly seq: number }>;
  /** The code of a `failed` event, if the client gave the message up. */
  readonly failed?: string;
}

/** One `message` event a client emitted, in the order it emitted them. */
export interface ReceivedRecord {
  readonly user: number;
  readonly conversation: number;
  readonly seq: number;
  readonly mid: number;
  readonly cid: string;
  readonly from: number;
  readonly kind: RowKind;
  readonly text: string | undefined;
  /** As the client judged it (message-reader.ts): `undecryptable` rows have no text to compare. */
  readonly trust: 'verified' | 'unverified' | 'undecryptable' | 'event';
  /** Milliseconds since the run started. */
  readonly at: number;
}

/** A line of the run's story: a fault, a connection change, a membership change, a send, a receipt. */
export interface TimelineEntry {
  /** Milliseconds since the run started. */
  readonly at: number;
  readonly text: string;
  /** The client it concerns (absent: the whole world, such as a fault). */
  readonly user?: number;
  readonly conversation?: number;
}

/** What a client was left with once the run settled. */
export interface ClientEnd {
  readonly user: number;
  readonly name: string;
  /** Messages still in its outbox. */
  readonly outbox: number;
  readonly state: string;
}

export interface ChaosHistory {
  readonly conversations: readonly ConversationInfo[];
  readonly stored: readonly StoredRow[];
  readonly sends: readonly SendRecord[];
  readonly received: readonly ReceivedRecord[];
  readonly clients: readonly ClientEnd[];
  readonly timeline: readonly TimelineEntry[];
}

export type ViolationKind =
  'duplicate' | 'gap' | 'reorder' | 'after_removal' | 'lost_ack' | 'stored_twice' | 'send_order' | 'corrupt' | 'failed_send' | 'stuck';

export interface Violation {
  readonly kind: ViolationKind;
  readonly user?: number;
  readonly conversation?: number;
  readonly detail: string;
  /** The seqs the violation is about, for cutting its history out of the timeline. */
  readonly seqs?: readonly number[];
}
