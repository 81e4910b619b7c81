import { int } from './schema.js';

/** Request ids are chosen by the client: any unsigned 32-bit integer, unique among its pending requests. */
export const requestId = int({ min: 0, max: 0xffff_ffff });

/** Database ids (users, conversations, messages) and sequence numbers: safe non-negative integers. */
export const entityId = int({ min: 1, max: Number.MAX_SAFE_INTEGER });
export const seqNumber = int({ min: 0, max: Number.MAX_SAFE_INTEGER });

/** Milliseconds since the Unix epoch. */
export const timestamp = int({ min: 0, max: Number.MAX_SAFE_INTEGER });
