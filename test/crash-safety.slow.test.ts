import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import type { Database } from '../src/database/database.ts';
import { openDatabase } from '../src/database/open-database.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import {
  createTestAccount,
  multipartBody,
  role,
  seedOrganisations,
  TEST_PASSWORD,
} from './support/test-web.ts';

/**
 * The server killed (SIGKILL) in the middle of saving a large upload, then started again: the
 * team's records are exactly as they were before the upload, on PGlite and on PostgreSQL.
 */

const ROOT = new URL('..', import.meta.url).pathname;
const ROWS = 20_000;

interface Target {
  readonly driver: 'pglite' | 'postgres';
  readonly environment: Record<string, string>;
  open(): Promise<Database>;
  /** For PostgreSQL: true while a transaction holds the team's row (the save is under way). */
  saving?(): Promise<boolean>;
  cleanUp(): Promise<void>;
}

function pgliteTarget(): Target {
  const folder = mkdtempSync(join(tmpdir(), 'ips-crash-'));
  return {
    driver: 'pglite',
    environment: { IPS_DATA_DIR: join(folder, 'data') },
    open: () => openDatabase({ databaseUrl: null, dataDirectory: join(folder, 'data') }),
    async cleanUp() {
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

function postgresTarget(serverUrl: string): Target {
  const name = `ips_crash_${randomBytes(4).toString('hex')}`;
  const url = (database: string) => {
    const address = new URL(serverUrl);
    address.pathname = `/${database}`;
    return address.toString();
  };
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: url('postgres') });
    await client.connect();
    try {
      return (await client.query(sql)).rows;
    } finally {
      await client.end();
    }
  };
  let created = false;
  return {
    driver: 'postgres',
    environment: { DATABASE_URL: url(name) },
    async open() {
      if (!created) await admin(`CREATE DATABASE ${name}`);
      created = true;
      return openDatabase({ databaseUrl: url(name), dataDirectory: null });
    },
    async saving() {
      const rows = await admin(
        `SELECT 1 FROM pg_stat_activity WHERE datname = '${name}' AND state <> 'idle'
            AND query ILIKE '%referral%'`,
      );
      return rows.length > 0;
    },
    async cleanUp() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** The team's records, uploads and pending checks, in a stable order. */
async function teamState(database: Database, teamId: number): Promise<string> {
  const [row] = await database.query<{ state: string }>(
    `SELECT concat_ws('|',
       (SELECT string_agg(client_key || referral_date || record::text, ',' ORDER BY client_key, referral_date)
          FROM referral_record WHERE team_id = $1),
       (SELECT string_agg(id::text || kind, ',' ORDER BY id) FROM upload WHERE team_id = $1),
       (SELECT count(*)::text FROM referral_version v JOIN upload u ON u.id = v.upload_id WHERE u.team_id = $1)
     ) AS state`,
    [teamId],
  );
  return row?.state ?? '';
}

/** A browser's worth of HTTP: cookies and the CSRF token of the last page. */
class Client {
  private readonly cookies = new Map<string, string>();
  csrf = '';
  constructor(private readonly base: string) {}
  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = (pair ?? '').split('=');
      if (name) this.cookies.set(name, value.join('='));
    }
    return response;
  }
  async page(path: string): Promise<string> {
    const body = await (await this.send(path)).text();
    this.csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1] ?? this.csrf;
    return body;
  }
  form(path: string, fields: Record<string, string>) {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: this.csrf, ...fields }).toString(),
    });
  }
}

/** One key for every restart, as PostgreSQL servers share theirs, so re-uploads match. */
const CRASH_TEST_PSEUDONYMISATION_KEY = randomBytes(32).toString('hex');

/** Every server started, killed at the end whatever happened. */
const servers: ChildProcess[] = [];

function startServer(target: Target, port: number): Promise<ChildProcess> {
  // Only the target's database: never one named in this process's environment.
  const { DATABASE_URL: _unused, IPS_DATA_DIR: _alsoUnused, ...inherited } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/main.ts'], {
    cwd: ROOT,
    env: {
      ...inherited,
      ...target.environment,
      PORT: String(port),
      IPS_LOG_LEVEL: 'warn',
      // The same across restarts, as in production, so the signed-in browser carries on.
      IPS_SESSION_SECRET: 'the crash test session secret, 32 characters or more',
      IPS_PSEUDONYMISATION_SECRET: CRASH_TEST_PSEUDONYMISATION_KEY,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start')), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('IPS Reporting is running')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
}

const stopped = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

const targets: Array<() => Target> = [
  pgliteTarget,
  ...(process.env.DATABASE_URL ? [() => postgresTarget(process.env.DATABASE_URL ?? '')] : []),
];

describe('crash safety', () => {
  const cleanUps: Array<() => Promise<void>> = [];
  after(async () => {
    for (const server of servers) server.kill('SIGKILL');
    await Promise.all(servers.map(stopped));
    for (const cleanUp of cleanUps) await cleanUp();
  });

  for (const makeTarget of targets) {
    const target = makeTarget();
    cleanUps.push(() => target.cleanUp());
    test(`SIGKILL while an upload is saved leaves the team as before (${target.driver})`, async () => {
      const database = await target.open();
      const orgs = await seedOrganisations(database);
      await createTestAccount(database, 'leader@nhs.net', [
        role('team-leader', { teamId: orgs.teamA1 }),
      ]);
      await database.close();

      const port = 41_000 + Math.floor(Math.random() * 2000);
      let server = await startServer(target, port);
      const client = new Client(`http://127.0.0.1:${port}`);
      await client.page('/sign-in');
      const signedIn = await client.form('/sign-in', {
        email: 'leader@nhs.net',
        password: TEST_PASSWORD,
      });
      assert.equal(signedIn.status, 302);
      /** The check's address once its work in hand is done (a long check shows progress). */
      const whenFinished = async (path: string) => {
        for (;;) {
          const body = await client.page(path);
          if (!body.includes('data-module="app-upload-progress"')) return body;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      };
      const upload = async (rows: number, seed: number) => {
        await client.page(`/teams/${orgs.teamA1}/upload`);
        const generated = generateReferralRows({ rows, seed, today: '2026-05-31' });
        const bytes = writeXlsx([
          { name: 'Referrals', rows: [generated.headings, ...generated.rows] },
        ]);
        const { contentType, payload } = multipartBody([{ name: 'team.xlsx', bytes }]);
        const checked = await client.send(
          `/teams/${orgs.teamA1}/upload?_csrf=${encodeURIComponent(client.csrf)}`,
          { method: 'POST', headers: { 'content-type': contentType }, body: payload },
        );
        assert.equal(checked.status, 303, 'checked');
        const checkPath = checked.headers.get('location') ?? '';
        await whenFinished(checkPath);
        return checkPath;
      };
      // A first upload, saved: the state to come back to.
      const first = await upload(200, 1);
      assert.equal((await client.form(first, {})).status, 303);
      const saved200 = await client.send(first);
      assert.match(saved200.headers.get('location') ?? '', /\/upload\/done\/\d+$/, 'saved');
      // Its exact state, read with the server stopped (PGlite has one process at a time).
      server.kill('SIGTERM');
      await stopped(server);
      const saved = await target.open();
      const before = await teamState(saved, orgs.teamA1);
      await saved.close();
      server = await startServer(target, port);
      const large = await upload(ROWS, 2);

      const confirming = client.form(large, {}).catch(() => null);
      if (target.saving) {
        const deadline = Date.now() + 30_000;
        while (!(await target.saving()) && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      } else {
        // PGlite cannot be watched from outside: the save of 20 000 rows takes seconds.
        await new Promise((resolve) => setTimeout(resolve, 400));
      }
      server.kill('SIGKILL');
      await stopped(server);
      await confirming;

      server = await startServer(target, port);
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200, 'starts again after the crash');
      server.kill('SIGTERM');
      await stopped(server);

      const reopened = await target.open();
      const after = await teamState(reopened, orgs.teamA1);
      const uploads = await reopened.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM upload WHERE team_id = $1',
        [orgs.teamA1],
      );
      const records = await reopened.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM referral WHERE team_id = $1',
        [orgs.teamA1],
      );
      await reopened.close();
      assert.equal(uploads[0]?.n, 1, 'only the first upload');
      assert.ok((records[0]?.n ?? 0) > 0, 'the first upload’s records');
      assert.equal(after, before, 'records, uploads and versions exactly as before');
    });
  }
});
