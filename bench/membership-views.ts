import { performance } from 'node:perf_hooks';
import { encodeFrame, type Push } from '../src/protocol/index.js';
import { pushViews } from '../src/server/delivery/membership-change.js';
import type { ConversationMembers } from '../src/server/delivery/memberships.js';
import type { ServerServices } from '../src/server/services.js';
import type { MemberRecord, UserId } from '../src/store/chat-store.js';

export interface MembershipViewsResult {
  readonly members: number;
  /** Median of the runs: building every member's view and encoding its frame, in ms. */
  readonly medianMs: number;
  /** Bytes of frames one change sends, all members together. */
  readonly bytes: number;
}

const RUNS = 15;

/** A group of `count` members with cursors, as the membership cache holds it after a change. */
function group(count: number): ConversationMembers {
  const members = new Map<UserId, MemberRecord>();
  for (let i = 1; i <= count; i++) {
    const userId = i;
    members.set(userId, {
      userId,
      role: i === 1 ? 'admin' : 'member',
      joinedSeq: 1000 + i,
      leftSeq: null,
      deliveredSeq: 50_000 + i,
      readSeq: 40_000 + i,
    });
  }
  const conversation = { id: 77, kind: 'group', name: 'a large group', lastSeq: 60_000 } as unknown as ConversationMembers['conversation'];
  return { conversation, members };
}

/**
 * What one membership change in a large group costs the server's event loop beyond the database:
 * pushViews builds each current member's view of the conversation and the frame it is sent in
 * (issue 17, finding 10). The sessions are stand-ins that encode the frame, as a connection does.
 */
export function runMembershipViews(sizes: readonly number[]): MembershipViewsResult[] {
  return sizes.map((count) => {
    const entry = group(count);
    let bytes = 0;
    const services = {
      fanout: {
        toUsers: (_users: Iterable<UserId>, push: Push) => {
          bytes += encodeFrame(push).length;
        },
      },
    } as unknown as ServerServices;
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      bytes = 0;
      const started = performance.now();
      pushViews(services, entry);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { members: count, medianMs: times[Math.floor(RUNS / 2)]!, bytes };
  });
}

export function formatMembershipViews(results: readonly MembershipViewsResult[]): string {
  const rows = results.map((r) => `| ${r.members.toLocaleString('en')} | ${r.medianMs.toFixed(1)} | ${(r.bytes / 1e6).toFixed(1)} MB |`);
  return ['| members | one change: views built and encoded (ms, median of 15) | frames sent |', '| ---: | ---: | ---: |', ...rows].join(
    '\n',
  );
}
