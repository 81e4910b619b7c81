import type { SendRecord } from './history.js';
import { sendAs, type ChaosLog, type ChaosUser } from './clients.js';
import type { Prng } from './prng.js';

export interface WorkloadOptions {
  readonly users: readonly ChaosUser[];
  /** The groups, all administered by users[0]. */
  readonly groups: readonly number[];
  readonly log: ChaosLog;
  readonly prng: Prng;
}

/** Stops the loops and resolves once each has finished what it was doing. */
export interface Workload {
  stop(): Promise<void>;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The traffic of a chaos run: every user sends bursts of pipelined messages (queued without waiting
 * for their acks) to a random user directly or to a group it is in, while the admin removes members
 * from the groups and adds them back. Each user draws from its own PRNG.
 */
export function startWorkload(options: WorkloadOptions): Workload {
  let running = true;
  const loops = options.users.map((user) => senderLoop(user, options, options.prng.fork(user.index + 1), () => running));
  loops.push(membershipLoop(options, options.prng.fork(1000), () => running));
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

async function senderLoop(user: ChaosUser, options: WorkloadOptions, prng: Prng, running: () => boolean): Promise<void> {
  let n = 0;
  const others = options.users.filter((u) => u !== user);
  while (running()) {
    const groups = options.groups.filter((g) => {
      const view = user.client.conversations.get(g);
      return view !== undefined && view.leftSeq === undefined;
    });
    const target: SendRecord['target'] =
      groups.length > 0 && prng.chance(0.5) ? { conversation: prng.pick(groups) } : { user: prng.pick(others).id };
    const burst = prng.int(1, 6);
    try {
      for (let i = 0; i < burst && running(); i++) await sendAs(user, options.log, target, `${user.name} #${++n}`);
    } catch (error) {
      options.log.recorder.log(`send refused: ${error instanceof Error ? error.message : String(error)}`, { user: user.id });
    }
    await pause(prng.int(50, 500));
  }
}

/** The admin removes a member of a group, or adds back one who is not in it, every second or so. */
async function membershipLoop(options: WorkloadOptions, prng: Prng, running: () => boolean): Promise<void> {
  const [admin, ...members] = options.users;
  if (!admin || members.length === 0 || options.groups.length === 0) return;
  while (running()) {
    await pause(prng.int(200, 1500));
    if (!running()) return;
    const conversation = prng.pick(options.groups);
    const subject = prng.pick(members);
    const view = admin.client.conversations.get(conversation);
    const isMember = view?.members.some((m) => m.user === subject.id) ?? false;
    const t = isMember ? 'group_remove' : 'group_add';
    const about = { user: admin.id, conversation };
    options.log.recorder.log(`${t} user ${subject.id}`, about);
    try {
      await admin.client.request({ t, conversation, user: subject.id });
      options.log.recorder.log(`${t} user ${subject.id}: done`, about);
    } catch (error) {
      // Offline, the reply lost, or the admin's view stale (conflict): the database says what happened.
      options.log.recorder.log(`${t} user ${subject.id}: ${error instanceof Error ? error.message : String(error)}`, about);
    }
  }
}
