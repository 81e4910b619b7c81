import type { ClientEvents, ClientStatus } from '../../src/client/chat-client.js';
import type { ContactKey } from '../../src/client/keyring.js';
import type { ChatMessage } from '../../src/client/message-reader.js';
import { WrongPasswordError } from '../../src/client/errors.js';
import type { ConversationView, SessionView, UserView } from '../../src/protocol/index.js';
import type { TuiClient } from '../../src/tui/chat-port.js';
import { TypedEmitter } from '../../src/util/typed-emitter.js';

type Request = Parameters<TuiClient['request']>[0];

/**
 * A stand-in for ChatClient in component tests: records what the TUI asks of it and lets a test
 * emit the events a server would cause. The real client is exercised in the PTY end-to-end test.
 */
export class FakeClient extends TypedEmitter<ClientEvents> implements TuiClient {
  readonly conversations = new Map<number, ConversationView>();
  readonly sent: Array<{ target: { user: number } | { conversation: number }; text: string; cid: string }> = [];
  readonly requests: Request[] = [];
  readonly reads: Array<[number, number]> = [];
  readonly users: UserView[] = [];
  readonly keys = new Map<number, ContactKey>();
  /** Pages `history` returns, newest last, per conversation. */
  readonly historyRows = new Map<number, ChatMessage[]>();
  readonly identity = { fingerprint: '11111 22222 33333' };
  readonly outbox = { size: 0 };
  readonly keyring = { get: (id: number) => this.keys.get(id), unusableKey: (_id: number): string | undefined => undefined };
  status: ClientStatus = { state: 'connected', node: { host: '127.0.0.1', port: 9001 } };
  backlog = 0;
  backlogTotal = 0;
  closed = false;
  /** Replies to requests by type, for those the test cares about. */
  replies: Partial<Record<Request['t'], (request: Request) => unknown>> = {};

  constructor(readonly user: UserView = { id: 1, name: 'alice', kind: 'modern', online: true }) {
    super();
  }

  fire<K extends keyof ClientEvents>(event: K, ...args: Parameters<ClientEvents[K]>): void {
    this.emit(event, ...args);
  }

  async send(target: { user: number } | { conversation: number }, text: string) {
    const cid = `cid-${this.sent.length + 1}`;
    this.sent.push({ target, text, cid });
    return { cid, acked: new Promise<never>(() => undefined) };
  }

  async history(conversation: number, before?: number, limit = 50): Promise<ChatMessage[]> {
    const rows = (this.historyRows.get(conversation) ?? []).filter((m) => before === undefined || m.seq < before);
    return rows.slice(Math.max(0, rows.length - limit));
  }

  request = (async (body: Request) => {
    this.requests.push(body);
    const reply = this.replies[body.t];
    if (reply) return reply(body);
    if (body.t === 'users') return { users: this.users, more: false };
    return {};
  }) as unknown as TuiClient['request'];

  async changeMembers(change: 'group_add' | 'group_remove', conversation: number, user: number): Promise<{ seq: number }> {
    await this.request({ t: change, conversation, user });
    return { seq: 0 };
  }

  async markRead(conversation: number, seq: number): Promise<void> {
    this.reads.push([conversation, seq]);
  }

  async findUser(name: string): Promise<UserView> {
    const user = this.users.find((u) => u.name.toLowerCase() === name.toLowerCase());
    if (!user) throw Object.assign(new Error(`no user named ${name}`), { code: 'not_found' });
    return user;
  }

  findGroup(name: string): ConversationView {
    const group = [...this.conversations.values()].find((c) => c.name === name);
    if (!group) throw new Error(`you are in no group named ${name}`);
    return group;
  }

  nameOf(id: number): string {
    return this.users.find((u) => u.id === id)?.name ?? `user#${id}`;
  }

  async trust(): Promise<void> {}

  /** Members accepted with acceptMember, as `conversation:user`. */
  readonly acceptedMembers: string[] = [];

  async acceptMember(conversation: number, userId: number): Promise<void> {
    this.acceptedMembers.push(`${conversation}:${userId}`);
  }

  /** Ids this user blocked, in order. */
  blockedIds: number[] = [];

  async block(userId: number): Promise<void> {
    if (!this.blockedIds.includes(userId)) this.blockedIds.push(userId);
  }

  async unblock(userId: number): Promise<void> {
    this.blockedIds = this.blockedIds.filter((id) => id !== userId);
  }

  async blocked(): Promise<UserView[]> {
    return this.blockedIds.flatMap((id) => this.users.find((u) => u.id === id) ?? []);
  }

  /** The user's sessions as `sessions` lists them; `endSession` takes one out. */
  sessionList: SessionView[] = [];
  readonly endedSessions: number[] = [];

  async sessions(): Promise<readonly SessionView[]> {
    return [...this.sessionList];
  }

  async endSession(session: number): Promise<void> {
    if (!this.sessionList.some((s) => s.id === session)) throw Object.assign(new Error('no such session'), { code: 'not_found' });
    this.endedSessions.push(session);
    this.sessionList = this.sessionList.filter((s) => s.id !== session);
  }

  /** The password the fake's server takes as the current one; changes record `[current, new]`. */
  password = 'old password';
  readonly passwordChanges: Array<[string | undefined, string]> = [];

  async changePassword(newPassword: string, currentPassword?: string): Promise<void> {
    if (currentPassword !== this.password) throw new WrongPasswordError();
    this.passwordChanges.push([currentPassword, newPassword]);
    this.password = newPassword;
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

export function user(id: number, name: string, online = true): UserView {
  return { id, name, kind: 'modern', online };
}

export function direct(conversation: number, me: number, peer: number, lastSeq = 0, readSeq = 0): ConversationView {
  return {
    conversation,
    kind: 'direct',
    lastSeq,
    role: 'member',
    joinedSeq: 0,
    deliveredSeq: readSeq,
    readSeq,
    members: [
      { user: me, role: 'member' },
      { user: peer, role: 'member' },
    ],
  };
}

export function group(conversation: number, name: string, members: number[], lastSeq = 0, readSeq = 0): ConversationView {
  return {
    conversation,
    kind: 'group',
    name,
    lastSeq,
    role: 'admin',
    joinedSeq: 0,
    deliveredSeq: readSeq,
    readSeq,
    members: members.map((u) => ({ user: u, role: 'member' as const })),
  };
}

let cid = 0;
export function message(conversation: number, seq: number, from: number, text: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return {
    conversation,
    seq,
    mid: seq,
    cid: `m-${++cid}`,
    from,
    kind: 'message',
    text,
    sentAt: 0,
    ts: Date.UTC(2026, 10, 25, 10, seq % 60),
    trust: 'verified',
    ...extra,
  };
}
