import { describe, expect, it } from 'vitest';
import {
  MSG_EVENT_MAX_CONVERSATIONS,
  decodeClusterEvent,
  encodeClusterEvent,
  messageEvents,
  type ClusterEvent,
} from '../../../src/server/cluster/cluster-events.js';

const NOTIFY_PAYLOAD_LIMIT = 8000;

describe('cluster events', () => {
  it('round-trip every kind through the NOTIFY payload with the sending node', () => {
    const events: ClusterEvent[] = [
      { t: 'msg', cs: [1, 2, 3] },
      { t: 'members', c: 4, s: 5 },
      { t: 'members', c: 4 },
      { t: 'typing', c: 4, u: 5 },
      { t: 'receipt', c: 4, u: 5, d: 6, r: 0 },
      { t: 'presence', u: 5, on: false, ls: 1_700_000_000_000 },
      { t: 'keys', u: 5 },
      { t: 'sessions', u: 5 },
      { t: 'sessions', u: 5, pw: true },
      { t: 'joined', u: 6 },
      { t: 'joined', u: 6, fresh: true, nm: 'McKay' },
    ];
    for (const event of events) expect(decodeClusterEvent(encodeClusterEvent('node-a', event))).toEqual({ node: 'node-a', event });
  });

  it("announce a group commit in as few msg events as fit under NOTIFY's payload limit, each conversation once", () => {
    const huge = Number.MAX_SAFE_INTEGER;
    const conversations = Array.from({ length: 1000 }, (_, i) => huge - i);
    const events = messageEvents([...conversations, ...conversations.slice(0, 10)]);
    expect(events).toHaveLength(Math.ceil(1000 / MSG_EVENT_MAX_CONVERSATIONS));
    expect(events.flatMap((e) => (e.t === 'msg' ? e.cs : []))).toEqual(conversations);
    for (const event of events) {
      const payload = encodeClusterEvent('0f8fad5b-d9cb-469f-a165-70867728950e', event);
      expect(Buffer.byteLength(payload)).toBeLessThan(NOTIFY_PAYLOAD_LIMIT);
      expect(decodeClusterEvent(payload)?.event).toEqual(event);
    }
  });

  it('refuse malformed payloads instead of acting on them', () => {
    for (const payload of [
      'not json',
      '{"t":"msg","cs":[1]}',
      '{"n":"a","t":"msg","cs":[]}',
      '{"n":"a","t":"msg","cs":[0]}',
      '{"n":"a","t":"msg","cs":["1"]}',
      `{"n":"a","t":"msg","cs":[${Array.from({ length: MSG_EVENT_MAX_CONVERSATIONS + 1 }, () => 1).join(',')}]}`,
      '{"n":"a","t":"typing","c":1}',
      '{"n":"a","t":"receipt","c":1,"u":2,"d":-1,"r":0}',
      '{"n":"a","t":"presence","u":1}',
      '{"n":"a","t":"keys","u":0}',
      '{"n":"a","t":"joined","u":"6"}',
      `{"n":"a","t":"joined","u":6,"nm":"${'x'.repeat(65)}"}`,
      '{"n":"a","t":"joined","u":6,"nm":7}',
      '{"n":"a","t":"unknown"}',
    ]) {
      expect(decodeClusterEvent(payload), payload.slice(0, 40)).toBeUndefined();
    }
  });
});
