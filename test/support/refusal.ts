import { RequestFailedError } from '../../src/client/errors.js';

/** What a request came to: `ok`, or the refusal as `code: message` (any other error as its text). */
export async function refusal(request: Promise<unknown>): Promise<string> {
  return request.then(
    () => 'ok',
    (error: unknown) => (error instanceof RequestFailedError ? `${error.code}: ${error.message}` : String(error)),
  );
}
