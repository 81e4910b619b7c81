import { ProtocolError } from './errors.js';
import type { RawMessage } from './frame-decoder.js';
import { REQUEST_SCHEMAS, requestId, type Request, type RequestType } from './messages.js';

/** The request type is not in the catalog. Not fatal: the client may be newer than the server. */
export class UnknownTypeError extends ProtocolError {
  override readonly name = 'UnknownTypeError';
  constructor(readonly type: string) {
    super('unknown_type', `unknown request type "${type.slice(0, 64)}"`, false);
  }
}

export function isRequestType(type: string): type is RequestType {
  return Object.hasOwn(REQUEST_SCHEMAS, type);
}

/** Checks a decoded message against its request schema; throws UnknownTypeError or InvalidMessageError. */
export function validateRequest(raw: RawMessage): Request {
  if (!isRequestType(raw.t)) throw new UnknownTypeError(raw.t);
  return REQUEST_SCHEMAS[raw.t].parse(raw, '');
}

/** The request id of a message that failed validation, when it has a usable one, so the error can be correlated. */
export function requestIdOf(raw: RawMessage): number | undefined {
  try {
    return requestId.parse(raw.id, 'id');
  } catch {
    // No usable id: the error reply goes out without one.
    return undefined;
  }
}
