import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { readConfig } from '../src/config/config.ts';
import { applyMigrations } from '../src/database/migrations.ts';
import { readMigrations } from '../src/database/open-database.ts';
import { openPgliteDatabase } from '../src/database/pglite-database.ts';
import type { SpreadsheetFile } from '../src/ingest/ingest.ts';
import { ServiceMetrics } from '../src/observability/service-metrics.ts';
import { composeApp } from '../src/server/composition-root.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import { UploadCheckPool } from '../src/uploads/check-pool.ts';
import { checkTeamUploadNow, saveCheckedUpload } from '../src/uploads/upload-use-cases.ts';
import {
  openDatabaseWithTeam,
  openScratchSchema,
  type TestDatabase,
} from '../test/support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  TEST_PASSWORD,
} from '../test/support/test-web.ts';

/**
 * bench:ingest's tasks that store: the upload as the API takes it (read, check and compare in the
 * worker pool, then save), and the web journey through real HTTP. Each opens its own database,
 * untimed; PostgreSQL is BENCH_POSTGRES_URL or DATABASE_URL, in a schema of its own.
 */

export interface TimedRuns {
  readonly rows: number;
  readonly firstMs: number;
  readonly runsMs: number[];
}

type Driver = 'pglite' | 'postgres';

function benchDatabase(driver: Driver): { testDatabase: TestDatabase; cleanUp: () => void } {
  if (driver === 'postgres') {
    const url = process.env.BENCH_POSTGRES_URL ?? process.env.DATABASE_URL;
    if (!url) throw new Error('set BENCH_POSTGRES_URL or DATABASE_URL for the PostgreSQL tasks');
    return { testDatabase: { driver, open: () => openScratchSchema(url) }, cleanUp: () => {} };
  }
  // On disk, as `npm start` keeps it, not in memory.
  const folder = mkdtempSync(join(tmpdir(), 'ips-bench-store-'));
  return {
    testDatabase: { driver, open: () => openPgliteDatabase(folder) },
    cleanUp: () => rmSync(folder, { recursive: true, force: true }),
  };
}

/** Read, validate, compare and store one file for a new team, as the upload API does. */
export async function checkThenStore(driver: Driver, file: SpreadsheetFile): Promise<TimedRuns> {
  const { testDatabase, cleanUp } = benchDatabase(driver);
  const { database, teamId, accountId } = await openDatabaseWithTeam(testDatabase);
  const uploadChecks = new UploadCheckPool({
    threads: 1,
    queue: 1,
    timeLimitSeconds: 600,
    memoryLimitMb: 4096,
  });
  const context = {
    database,
    uploadChecks,
    clock: () => new Date(),
    metrics: new ServiceMetrics(() => null),
    pseudonymisationSecret: 'benchmark-secret',
  };
  try {
    const started = performance.now();
    const check = await checkTeamUploadNow(context, teamId, [file]);
    if (check instanceof Error || check.view.counts === null) {
      throw new Error('the generated file was not checked clean');
    }
    const saved = await saveCheckedUpload(context, {
      teamId,
      accountId,
      fileNames: check.view.fileNames,
      dataVersion: check.dataVersion,
      counts: check.view.counts,
      specialists: check.view.specialists,
      records: check.recordsToSave,
    });
    if (saved === 'changed') throw new Error('the team changed during the benchmark');
    const ms = performance.now() - started;
    return { rows: check.view.recordCount, firstMs: ms, runsMs: [ms] };
  } finally {
    await uploadChecks.close();
    await database.close();
    cleanUp();
  }
}

/** A browser's part: cookies kept, the form's CSRF token read from each page. */
class HttpVisitor {
  readonly #cookies = new Map<string, string>();
  #csrf = '';
  constructor(private readonly base: string) {}

  async send(path: string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      headers: { ...init.headers, cookie: [...this.#cookies].map((c) => c.join('=')).join('; ') },
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ''] = cookie.split(';');
      const at = pair.indexOf('=');
      this.#cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return response;
  }

  /** A page, read whole as a browser would, remembering its form's token. */
  async page(path: string): Promise<{ status: number; body: string; location: string }> {
    const response = await this.send(path);
    const body = await response.text();
    const token = /name="_csrf" value="([^"]+)"|_csrf=([^"&]+)"/.exec(body);
    if (token) this.#csrf = decodeURIComponent(token[1] ?? token[2] ?? '');
    return { status: response.status, body, location: response.headers.get('location') ?? '' };
  }

  async postForm(path: string, fields: Record<string, string> = {}): Promise<string> {
    const response = await this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...fields, _csrf: this.#csrf }).toString(),
    });
    await response.arrayBuffer();
    return response.headers.get('location') ?? '';
  }

  async postFile(path: string, name: string, bytes: Uint8Array): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await this.send(`${path}?_csrf=${encodeURIComponent(this.#csrf)}`, {
      method: 'POST',
      body: form,
    });
    await response.arrayBuffer();
    return response.headers.get('location') ?? '';
  }

  /** An upload's address once the work in hand is done: its page, or where it leads. */
  async whenFinished(address: string) {
    for (;;) {
      const page = await this.page(address);
      if (!page.body.includes('data-module="app-upload-progress"')) return page;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

const JOURNEYS = 5;

/**
 * A team leader's upload as a browser makes it, through HTTP on loopback: the upload page, the
 * POST, the check page, Confirm, the done page. The first journey after the server starts, then
 * JOURNEYS more, each a new file of the same size (so each saves as many new records).
 */
export async function httpJourneys(
  driver: Driver,
  bytes: Uint8Array,
  rows: number,
): Promise<TimedRuns> {
  const { testDatabase, cleanUp } = benchDatabase(driver);
  const database = await testDatabase.open();
  await applyMigrations(database, readMigrations());
  // A team whose service has accepted the data sharing agreement, so its leader may upload.
  const { teamA1: teamId } = await seedOrganisations(database);
  const config = readConfig({
    IPS_LOG_LEVEL: 'silent',
    IPS_PSEUDONYMISATION_SECRET: randomBytes(32).toString('hex'),
  });
  if (!config.ok) throw new Error(config.problems.join('; '));
  const { app, services } = await composeApp(config.config, { database });
  try {
    const base = await app.listen({ host: '127.0.0.1', port: 0 });
    await createTestAccount(database, 'journey@bench.invalid', [role('team-leader', { teamId })]);
    const leader = new HttpVisitor(base);
    await leader.page('/sign-in');
    await leader.postForm('/sign-in', { email: 'journey@bench.invalid', password: TEST_PASSWORD });
    const files = [
      bytes,
      ...Array.from({ length: JOURNEYS }, (_, journey) => {
        const generated = generateReferralRows({
          rows,
          seed: 100 + journey,
          today: '2025-11-20',
          clientIdPrefix: `J${journey}-`,
        });
        return writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...generated.rows] }]);
      }),
    ];
    const runsMs: number[] = [];
    let firstMs = 0;
    for (const [journey, file] of files.entries()) {
      const started = performance.now();
      await leader.page(`/teams/${teamId}/upload`);
      const address = await leader.postFile(`/teams/${teamId}/upload`, 'team.xlsx', file);
      const check = await leader.whenFinished(address);
      if (check.status !== 200) throw new Error(`the check page answered ${check.status}`);
      await leader.postForm(address);
      const saved = await leader.whenFinished(address);
      const done = await leader.page(saved.location);
      if (!/Upload saved/.test(done.body)) throw new Error('the upload was not saved');
      const ms = performance.now() - started;
      if (journey === 0) firstMs = ms;
      else runsMs.push(ms);
    }
    return { rows, firstMs, runsMs };
  } finally {
    await app.close();
    await services.uploadChecks.close();
    await database.close();
    cleanUp();
  }
}
