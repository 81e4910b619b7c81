import { describe, expect, it } from 'vitest';
import { encodeLegacyBody } from '../../src/protocol/legacy-body.js';
import { unreadParams } from '../../src/store/sql/unread.js';

/** The store recognises legacy copies by their first bytes: they must be what the encoder writes. */
describe('unreadParams', () => {
  it.each([1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 31 - 1])('match the head of a legacy body for user %i', (id) => {
    const body = encodeLegacyBody({ to: id, text: '1 2 3' });
    const [legacyHead, copyHead] = unreadParams(id);
    expect(Buffer.from(body.subarray(0, legacyHead.length))).toEqual(Buffer.from(legacyHead));
    expect(Buffer.from(body.subarray(0, copyHead.length))).toEqual(Buffer.from(copyHead));
    const [, otherHead] = unreadParams(id + 1);
    expect(Buffer.from(body.subarray(0, otherHead.length))).not.toEqual(Buffer.from(otherHead));
  });
});
