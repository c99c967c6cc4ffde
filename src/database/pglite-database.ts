import { PGlite } from '@electric-sql/pglite';
import { type Database, type Queryable, type SqlValue, TYPE_PARSERS } from './database.ts';

/** Embedded PostgreSQL (WebAssembly, in-process): a folder on disk, or in memory when null. */
export async function openPgliteDatabase(dataDirectory: string | null): Promise<Database> {
  const pglite =
    dataDirectory === null
      ? new PGlite({ parsers: TYPE_PARSERS })
      : new PGlite(dataDirectory, { parsers: TYPE_PARSERS });
  await pglite.waitReady;
  const queryable = (target: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<Row extends object>(sql: string, parameters: readonly SqlValue[] = []) {
      const result = await target.query<Row>(sql, [...parameters]);
      return result.rows;
    },
    async runScript(sql: string) {
      await target.exec(sql);
    },
  });
  return {
    kind: 'pglite',
    ...queryable(pglite),
    transaction: (work) => pglite.transaction((transaction) => work(queryable(transaction))),
    connectionUse: () => null,
    close: () => pglite.close(),
  };
}
