import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import {
  type Database,
  type Queryable,
  SESSION_SETTINGS,
  type SqlValue,
  TYPE_PARSERS,
} from './database.ts';

/** A second process opening a PGlite folder aborts inside WebAssembly: this says why first. */
export class DataDirectoryInUse extends Error {
  constructor(dataDirectory: string, processId: number) {
    super(
      `The embedded database in ${dataDirectory} is in use by another process (${processId}). ` +
        'It serves one server only: stop the other one, or use PostgreSQL (DATABASE_URL) for several.',
    );
  }
}

const LOCK_FILE = 'ips-reporting.lock';

/** Claims the folder for this process, taking over a lock whose process has gone. */
function claimDataDirectory(dataDirectory: string): () => void {
  mkdirSync(dataDirectory, { recursive: true });
  const lockPath = join(dataDirectory, LOCK_FILE);
  for (;;) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return () => rmSync(lockPath, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number(readFileSync(lockPath, 'utf8'));
    // 0 or less would ask about a process group, not a process: such a lock is damaged, so stale.
    if (
      Number.isInteger(holder) &&
      holder > 0 &&
      holder !== process.pid &&
      processIsRunning(holder)
    ) {
      throw new DataDirectoryInUse(dataDirectory, holder);
    }
    // Left by a process that crashed (or by this one's earlier life as PID 1 in a container).
    rmSync(lockPath, { force: true });
  }
}

function processIsRunning(processId: number): boolean {
  try {
    process.kill(processId, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Embedded PostgreSQL (WebAssembly, in-process): a folder on disk, or in memory when null. */
export async function openPgliteDatabase(dataDirectory: string | null): Promise<Database> {
  const release = dataDirectory === null ? () => {} : claimDataDirectory(dataDirectory);
  const pglite =
    dataDirectory === null
      ? new PGlite({ parsers: TYPE_PARSERS })
      : new PGlite(dataDirectory, { parsers: TYPE_PARSERS });
  await pglite.waitReady.catch((error: unknown) => {
    release();
    throw error;
  });
  // Its one connection's settings, as PostgreSQL's pool gives each of its own (no JIT to turn off).
  await pglite.exec(`SET work_mem = '${SESSION_SETTINGS.work_mem}'`);
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
    async close() {
      await pglite.close();
      release();
    },
  };
}
