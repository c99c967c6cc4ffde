import pg from 'pg';
import { type Database, type Queryable, type SqlValue, TYPE_PARSERS } from './database.ts';

/** PostgreSQL through a connection pool, for production and scale (`DATABASE_URL`). */
export async function openPostgresDatabase(connectionString: string): Promise<Database> {
  const pool = new pg.Pool({
    connectionString,
    types: {
      getTypeParser: ((typeId: number, format?: string) =>
        TYPE_PARSERS[typeId] ??
        pg.types.getTypeParser(typeId, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // Fail at start-up, not on the first request, when the database cannot be reached.
  const client = await pool.connect();
  client.release();
  const queryable = (target: Pick<pg.Pool, 'query'> | pg.PoolClient): Queryable => ({
    async query<Row extends object>(sql: string, parameters: readonly SqlValue[] = []) {
      const result = await target.query<Row>(sql, [...parameters]);
      return result.rows;
    },
    async runScript(sql: string) {
      // Without parameters node-postgres uses the simple protocol, which runs several statements.
      await target.query(sql);
    },
  });
  return {
    kind: 'postgres',
    ...queryable(pool),
    async transaction(work) {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const result = await work(queryable(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        await connection.query('ROLLBACK');
        throw error;
      } finally {
        connection.release();
      }
    },
    connectionUse: () => ({
      open: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      maximum: pool.options.max,
    }),
    close: () => pool.end(),
  };
}
