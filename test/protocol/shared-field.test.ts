import { describe, expect, it } from 'vitest';
import { FRAME_HEADER_BYTES, encodeFrame, encodeOnce, sharedEncoding } from '../../src/protocol/index.js';
import { packValue, unpackValue } from '../../src/protocol/msgpack.js';

const body = (frame: Buffer) => frame.subarray(FRAME_HEADER_BYTES);
const members = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ user: i + 1, role: i === 0 ? 'admin' : 'member', joinedSeq: i * 7 }));

describe('a field encoded once and copied into each frame', () => {
  it('a conversation view with a shared member list is the same MessagePack value as the view encoded whole', () => {
    const shared = encodeOnce(members(300));
    const view = {
      t: 'conversation',
      conversation: 9,
      kind: 'group',
      name: 'g',
      lastSeq: 40,
      role: 'member',
      joinedSeq: 3,
      deliveredSeq: 39,
      readSeq: 12,
      members: shared,
    };
    const frame = encodeFrame(view);
    expect(frame.readUInt32BE(0)).toBe(frame.length - FRAME_HEADER_BYTES);
    expect(unpackValue(body(frame))).toEqual(view);
    // Same size as encoding it whole: only the order of the map's entries differs.
    expect(frame.length).toBe(FRAME_HEADER_BYTES + packValue(view).length);
    expect(body(frame).subarray(-sharedEncoding(shared)!.length)).toEqual(sharedEncoding(shared));
  });

  it('holds past 15 fields, where the map header grows to three bytes', () => {
    const shared = encodeOnce(members(2));
    const view: Record<string, unknown> = { t: 'conversation', members: shared };
    for (let i = 0; i < 20; i++) view[`extra${i}`] = i;
    expect(unpackValue(body(encodeFrame(view as { t: string })))).toEqual(view);
  });

  it('a member list not encoded once, or any other message, is encoded as before', () => {
    const view = { t: 'conversation', conversation: 9, kind: 'group', members: members(3) };
    expect(sharedEncoding(view.members)).toBeUndefined();
    expect(body(encodeFrame(view))).toEqual(packValue(view));
    const shared = encodeOnce(members(3));
    const other = { t: 'users', users: shared };
    expect(body(encodeFrame(other))).toEqual(packValue(other));
  });
});
