import pg from 'pg';
import {
  type Database,
  type Queryable,
  SESSION_SETTINGS,
  type SqlValue,
  TYPE_PARSERS,
} from './database.ts';

export interface PostgresPoolSettings {
  /** Connections one server holds at most; every server's pool counts toward max_connections. */
  readonly size: number;
  /** How long to wait for a new connection before the request fails, rather than hang. */
  readonly connectTimeoutSeconds: number;
  /** PostgreSQL cancels a statement running longer (each 500-record batch of a save is one). */
  readonly statementTimeoutSeconds: number;
}

export const DEFAULT_POOL_SETTINGS: PostgresPoolSettings = {
  size: 10,
  connectTimeoutSeconds: 10,
  statementTimeoutSeconds: 60,
};

export interface PostgresOptions {
  readonly pool?: PostgresPoolSettings | undefined;
  /**
   * Told of each connection lost outside a query (a PostgreSQL restart, failover, a proxy's idle
   * timeout). The pool drops that connection and opens another when next needed.
   */
  readonly onConnectionLost?: ((error: Error) => void) | undefined;
}

/**
 * The connection string with SESSION_SETTINGS added to the startup options it may already carry
 * (a URL's own `options` replace the pool's, so they are joined there); a string that is not a
 * URL, such as a socket path, takes them as the pool's options.
 */
function withSessionSettings(connectionString: string): pg.PoolConfig {
  const settings = Object.entries(SESSION_SETTINGS)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(' ');
  if (!URL.canParse(connectionString)) return { connectionString, options: settings };
  const url = new URL(connectionString);
  url.searchParams.set(
    'options',
    [url.searchParams.get('options'), settings].filter(Boolean).join(' '),
  );
  return { connectionString: url.toString() };
}

/** Seen in pg_stat_activity, so an operator can tell this service's connections apart. */
const APPLICATION_NAME = 'ips-reporting';

/** PostgreSQL through a connection pool, for production and scale (`DATABASE_URL`). */
export async function openPostgresDatabase(
  connectionString: string,
  { pool: settings = DEFAULT_POOL_SETTINGS, onConnectionLost = () => {} }: PostgresOptions = {},
): Promise<Database> {
  const pool = new pg.Pool({
    ...withSessionSettings(connectionString),
    // A connection string's own application_name wins over this one.
    application_name: APPLICATION_NAME,
    max: settings.size,
    connectionTimeoutMillis: settings.connectTimeoutSeconds * 1000,
    statement_timeout: settings.statementTimeoutSeconds * 1000,
    types: {
      getTypeParser: ((typeId: number, format?: string) =>
        TYPE_PARSERS[typeId] ??
        pg.types.getTypeParser(typeId, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection's error with no listener would be thrown and end the process.
  pool.on('error', onConnectionLost);
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
      // The pool listens only while a connection is idle: lost mid-transaction it is ours to hear.
      let lost: Error | undefined;
      const onLost = (error: Error) => {
        lost = error;
        onConnectionLost(error);
      };
      connection.on('error', onLost);
      try {
        await connection.query('BEGIN');
        const result = await work(queryable(connection));
        await connection.query('COMMIT');
        return result;
      } catch (error) {
        if (lost === undefined) {
          await connection.query('ROLLBACK').catch((rollbackFailure: Error) => {
            lost = rollbackFailure;
          });
        }
        throw error;
      } finally {
        connection.off('error', onLost);
        // A connection that failed is closed, not handed to the next request.
        connection.release(lost);
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
