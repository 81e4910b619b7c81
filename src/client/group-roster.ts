import type { ConversationView, MessageView } from '../protocol/index.js';
import type { ClientState, RosterEntry, StoredRoster } from './client-state.js';
import { SendError } from './errors.js';

/** The row at `seq` of a conversation, if the member may see it (one `history` request). */
export type RowAt = (conversation: number, seq: number) => Promise<MessageView | undefined>;

/**
 * Who a client will encrypt a group's messages to (issue 17, finding 3; docs/crypto.md § Group
 * members). The server's member list is only a claim: a server could slip a reader in without
 * anyone adding them. So each group's roster records the members this client has seen come in:
 *
 * - at first look (the first time this client sees the group, or sees it again after being added
 *   back), whoever was a member before this user: their `member_added` rows are before the user's
 *   window and cannot be checked, so they are trusted on first use, as contacts' keys are;
 * - after that, a member whose `member_added` row the client reads (in the inbox, or fetched at send
 *   time when the row has not been read yet) — a row every member sees, so such an addition is not
 *   hidden even when the server made it up;
 * - a member the user accepted by hand (`accept`).
 *
 * A `member_removed` / `member_left` row takes a member off; the same member back under their old
 * join point (a server re-inserting them silently) is not trusted again by their old row.
 */
export class GroupRoster {
  constructor(
    private readonly state: ClientState,
    private readonly self: number,
    private readonly rowAt: RowAt,
  ) {}

  /** Takes the first look at a group (nothing when this client has looked before, in this window). */
  look(view: ConversationView): void {
    if (view.kind !== 'group' || view.leftSeq !== undefined) return;
    const known = this.state.roster(view.conversation);
    if (known !== undefined && known.joinedSeq === view.joinedSeq) return;
    const members: Record<string, RosterEntry> = {};
    for (const m of view.members) {
      const joinedSeq = m.joinedSeq ?? 0;
      if (m.user === this.self || joinedSeq <= view.joinedSeq) members[m.user] = { joinedSeq };
    }
    this.state.setRoster(view.conversation, { joinedSeq: view.joinedSeq, members });
  }

  /** Follows a membership row the inbox read (in seq order). */
  noteEvent(row: MessageView): void {
    if (row.subject === undefined) return;
    const roster = this.state.roster(row.conversation);
    if (roster === undefined) return;
    if (row.kind === 'member_added') {
      // A member already in is not added again (the server refuses that): this is a founder's row,
      // written with the group while their window starts at 0, which the first look took in.
      const current = roster.members[row.subject];
      if (current !== undefined && 'joinedSeq' in current) return;
      this.#set(row.conversation, roster, row.subject, { joinedSeq: row.seq - 1 });
    } else if (row.kind === 'member_removed' || row.kind === 'member_left') {
      this.#set(row.conversation, roster, row.subject, { leftSeq: row.seq });
    }
  }

  /**
   * The members to encrypt to: those the server lists for this group, less any this client saw leave
   * since the listed join (a view older than a `member_left` row the inbox read: the push saying so
   * is on its way). Throws SendError `untrusted_members` naming any listed member the client never saw
   * come in, and then nothing is encrypted to anyone.
   */
  async check(view: ConversationView, namesOf: (userIds: readonly number[]) => Promise<string[]>): Promise<ConversationView['members']> {
    if (view.kind !== 'group') return view.members;
    this.look(view);
    const roster = this.state.roster(view.conversation)!;
    const strangers: number[] = [];
    const members: ConversationView['members'][number][] = [];
    for (const m of view.members) {
      const joinedSeq = m.joinedSeq ?? 0;
      const entry = roster.members[m.user];
      if (entry !== undefined && 'leftSeq' in entry && joinedSeq + 1 < entry.leftSeq) continue; // seen gone
      if (
        (entry !== undefined && 'joinedSeq' in entry && entry.joinedSeq === joinedSeq) ||
        (await this.#seenAdded(view, m.user, joinedSeq))
      ) {
        this.#set(view.conversation, this.state.roster(view.conversation)!, m.user, { joinedSeq });
        members.push(m);
        continue;
      }
      strangers.push(m.user);
    }
    if (strangers.length === 0) return members;
    const names = await namesOf(strangers);
    const group = view.name === undefined ? 'this group' : `#${view.name}`;
    throw new SendError(
      'untrusted_members',
      `not sent to anyone: the server lists ${names.join(', ')} in ${group}, and this client never saw ${strangers.length === 1 ? 'them' : 'any of them'} added. ` +
        `If you expect ${strangers.length === 1 ? 'them' : 'these members'} there, accept with /accept ${names[0]} (fastchat group accept ${view.name ?? view.conversation} ${names[0]}) and send again`,
    );
  }

  /** Trusts a member of a group as the server lists them now (the user's word for it). */
  accept(view: ConversationView, userId: number): void {
    const member = view.members.find((m) => m.user === userId);
    if (member === undefined)
      throw new SendError('not_a_member', `the server does not list them in ${view.name === undefined ? 'this group' : `#${view.name}`}`);
    this.look(view);
    this.#set(view.conversation, this.state.roster(view.conversation)!, userId, { joinedSeq: member.joinedSeq ?? 0 });
  }

  /** Is the row that opened this member's window a `member_added` about them, after any removal seen? */
  async #seenAdded(view: ConversationView, user: number, joinedSeq: number): Promise<boolean> {
    // Before the user's own window: no row to see (the first look judged those).
    if (joinedSeq < view.joinedSeq || (joinedSeq === view.joinedSeq && user !== this.self)) return false;
    if (user === this.self) return true;
    const row = await this.rowAt(view.conversation, joinedSeq + 1);
    return row !== undefined && row.kind === 'member_added' && row.subject === user;
  }

  #set(conversation: number, roster: StoredRoster, user: number, entry: RosterEntry): void {
    // A row read late (the inbox behind a check that fetched a newer one) never takes a member back.
    const current = roster.members[user];
    if (current !== undefined && rowOf(current) > rowOf(entry)) return;
    this.state.setRoster(conversation, { ...roster, members: { ...roster.members, [user]: entry } });
  }
}

/** The seq of the row an entry stands for. */
function rowOf(entry: RosterEntry): number {
  return 'joinedSeq' in entry ? entry.joinedSeq + 1 : entry.leftSeq;
}
