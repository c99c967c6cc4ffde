/**
 * One SQL dialect, PostgreSQL, behind a thin interface: PGlite (embedded, the default) and
 * PostgreSQL run the same migrations and queries. Both drivers return the same JavaScript types:
 * calendar dates as 'YYYY-MM-DD' strings and counts as numbers (docs/DESIGN.md, driver differences).
 */

/** Bytes go as bytea, and come back as a Uint8Array (a Buffer on PostgreSQL). */
export type SqlValue = string | number | boolean | null | Date | Uint8Array;

export interface Queryable {
  /** One statement with $1… parameters; the rows, typed by the caller. */
  query<Row extends object>(sql: string, parameters?: readonly SqlValue[]): Promise<Row[]>;
  /** Several statements without parameters, such as a migration. */
  runScript(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** All of `work` or none of it. */
  transaction<T>(work: (transaction: Queryable) => Promise<T>): Promise<T>;
  /** The pool's connections now, for the metrics; null for PGlite's one in-process connection. */
  connectionUse(): ConnectionUse | null;
  close(): Promise<void>;
}

export interface ConnectionUse {
  readonly open: number;
  readonly idle: number;
  /** Queries waiting for a free connection: a pool too small for the load. */
  readonly waiting: number;
  readonly maximum: number;
}

/**
 * Each connection's settings for the figures' counting (src/facts/fact-counts.ts): memory enough
 * to hash a national page's bins rather than sort them on disk (PostgreSQL's 4 MB default spills
 * at 100 000 records), and no JIT compilation, which cost more than the statements it speeds up.
 * Every node of every statement may take work_mem: 10 connections' worth is well under 1 GB.
 */
export const SESSION_SETTINGS: Readonly<Record<string, string>> = { work_mem: '32MB', jit: 'off' };

/** PostgreSQL type ids whose text form both drivers parse the same way. */
export const TYPE_PARSERS: Readonly<Record<number, (value: string) => unknown>> = {
  // date: kept as written, never turned into a JavaScript Date at some time-zone's midnight.
  1082: (value) => value,
  // int8 (count(*), sums) and numeric: numbers; the figures here are far below 2^53.
  20: (value) => Number(value),
  1700: (value) => Number(value),
};

/** For the health check: whether the database answers a query now. */
export async function databaseAnswers(database: Queryable): Promise<boolean> {
  try {
    await database.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
