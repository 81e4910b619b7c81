import type { ChaosLog, ChaosUser } from './clients.js';

/**
 * After the faults: waits until every client is connected, has every send answered (acked or given
 * up), an empty outbox, and has received each of its conversations up to where it ends for it (the
 * last seq, or the seq of its removal). Resolves with what is still missing, empty when settled;
 * gives up at `deadline` (ms since the epoch) and lets the checker name what never came.
 */
export async function settle(users: readonly ChaosUser[], log: ChaosLog, deadline: number): Promise<string[]> {
  for (;;) {
    const missing = await stillMissing(users, log);
    if (missing.length === 0 || Date.now() > deadline) return missing;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function stillMissing(users: readonly ChaosUser[], log: ChaosLog): Promise<string[]> {
  const missing: string[] = [];
  const highest = new Map<string, number>();
  for (const r of log.received)
    highest.set(`${r.user}/${r.conversation}`, Math.max(highest.get(`${r.user}/${r.conversation}`) ?? 0, r.seq));
  for (const user of users) {
    const { client } = user;
    if (client.status.state !== 'connected') {
      missing.push(`${user.name}: ${client.status.state}`);
      continue;
    }
    if (client.outbox.size > 0 || user.pending.size > 0)
      missing.push(`${user.name}: ${client.outbox.size} queued, ${user.pending.size} unanswered`);
    try {
      const { conversations } = await client.request({ t: 'conversations' });
      for (const view of conversations) {
        const end = view.leftSeq ?? view.lastSeq;
        const got = highest.get(`${user.id}/${view.conversation}`) ?? 0;
        if (got < end && end > view.joinedSeq) missing.push(`${user.name}: conversation ${view.conversation} up to ${got} of ${end}`);
      }
    } catch (error) {
      missing.push(`${user.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return missing;
}
