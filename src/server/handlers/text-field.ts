import { RequestError } from '../errors.js';

/**
 * A string field that goes into a PostgreSQL `text` column or parameter. PostgreSQL text cannot
 * hold U+0000 (the statement fails, which would surface as `internal`), so a NUL is the client's
 * error, refused as `bad_request` before any SQL runs (found by test/integration/injection-corpus).
 */
export function textField(field: string, value: string): string {
  if (value.includes('\u0000')) throw new RequestError('bad_request', `${field}: must not contain U+0000`);
  return value;
}
