/**
 * The one seam between fastchat and PostgreSQL: an embedded PGlite or a `pg` pool on a server.
 * Every statement goes through `query` with its values in `params` ($1, $2, …); SQL text is never
 * built from input. Both backends run the same SQL (the test suite runs on both).
 */

/** Something that runs parameterised statements: the database itself, or one open transaction. */
export interface Queryable {
  /**
   * Runs one parameterised statement and returns its rows.
   *
   * Both backends map column types the same way: `bigint` (int8) and `integer` to numbers (exact up
   * to 2^53, far beyond any id or seq), `timestamptz` to Date, `bytea` to Uint8Array (a Buffer
   * from `pg`), arrays to arrays. JS arrays bind to array parameters (`$1::bigint[]`), Uint8Array
   * elements included.
   */
  query<R extends Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: R[] }>;
}

export interface Database extends Queryable {
  /** Which backend this is; `embedded` is PGlite in a local data directory. */
  readonly kind: 'embedded' | 'postgres';
  /**
   * Where the data lives, for logs and error messages, never with a password: for example
   * "embedded PostgreSQL (PGlite) in /home/a/.local/share/fastchat/db" or
   * "PostgreSQL at db.example:5432/fastchat".
   */
  readonly description: string;
  /**
   * Runs `work` in one transaction (READ COMMITTED) on one connection: committed when the promise
   * it returns resolves, rolled back when it rejects (and that rejection passed on).
   *
   * Inside `work`, use only `tx`: on PGlite, which has a single connection, a statement sent to the
   * database itself waits for the transaction to end, so it would never run.
   */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * PostgreSQL server only (processes sharing a database): receives every NOTIFY on `channel` over a
   * dedicated connection. When that connection drops it is re-established (with backoff) and
   * `onReconnect` is called, since notifications sent meanwhile are lost: the caller catches up from
   * the tables. Resolves once listening; the function it returns stops. `applicationName` names the
   * connection in `pg_stat_activity` (how other processes see that this one is alive: sql/nodes.ts).
   */
  listen?(
    channel: string,
    onPayload: (payload: string) => void,
    onReconnect: () => void,
    applicationName?: string,
  ): Promise<() => Promise<void>>;
  /** Releases every connection or the embedded instance. Safe to call more than once. */
  close(): Promise<void>;
}
