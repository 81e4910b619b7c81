/**
 * The one seam between fastchat and PostgreSQL: an embedded PGlite or a `pg` pool on a server.
 * Every statement goes through `query` with its values in `params` ($1, $2, …); SQL text is never
 * built from input. Both backends run the same SQL (the test suite runs on both).
 */
export interface Database {
  /** Which backend this is; `embedded` is PGlite in a local data directory. */
  readonly kind: 'embedded' | 'postgres';
  /**
   * Where the data lives, for logs and error messages, never with a password: for example
   * "embedded PostgreSQL (PGlite) in /home/a/.local/share/fastchat/db" or
   * "PostgreSQL at db.example:5432/fastchat".
   */
  readonly description: string;
  /**
   * Runs one parameterised statement and returns its rows.
   *
   * Column types are mapped by each driver; note that `bigint` columns come back as strings from
   * `pg` and as numbers from PGlite, so cast in SQL (for example `::int`) where it matters.
   */
  query<R extends Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[] }>;
  /** Releases every connection or the embedded instance. Safe to call more than once. */
  close(): Promise<void>;
}
