import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { londonToday } from '../src/calendar/london-today.ts';
import { readConfig } from '../src/config/config.ts';
import { DASHBOARD_VIEWS } from '../src/dashboards/scope-figures.ts';
import { composeApp } from '../src/server/composition-root.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import { bombWorkbook } from '../test/support/hostile-workbooks.ts';
import { TestBrowser } from '../test/support/test-web.ts';
import {
  BENCH_PASSWORD,
  type BenchRole,
  buildNationalData,
  createBenchAccount,
  dashboardsOf,
  logProgress,
  openBenchDatabase,
  percentile,
} from './national-data.ts';

/**
 * npm run bench:load [-- --records N --seconds S --connections C] — the server on loopback over a
 * national database (100 000 records by default; PGlite, or PostgreSQL with DATABASE_URL), and
 * 100 signed-in users (a quarter each national lead, regional lead, service manager and team
 * leader) each going round every dashboard view of their scope, for this and last financial year,
 * 20 pages a second between them (`--rate`: people read a page before opening the next; 0: none
 * do, each asks again as soon as answered), for 60 s;
 * meanwhile a team leader uploads a 500-row spreadsheet every second (check, then confirm), to a
 * different team each time; and 5 s in, one team leader uploads a 100 000-row spreadsheet
 * (`--big-upload-rows`; 0 for none) and another the XLSX that inflates to 990 MB, reporting the
 * pages' latency while they are checked and while the large one is saved. Each view is opened
 * once before the clock starts, as on a server that has been running. Reports latency, errors and the process's memory over the first and last 10 s.
 */

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '100' },
    rate: { type: 'string', default: '20' },
    'big-upload-rows': { type: 'string', default: '100000' },
  },
});
const RECORDS = Number(values.records);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
/** Pages a second from all users together: each of 100 users opens one every 5 s on average. */
const RATE = Number(values.rate);
const UPLOAD_TEAMS = 10;
/** One large upload, and the file that inflates to 990 MB, sent 5 s in; 0 leaves them out. */
const BIG_UPLOAD_ROWS = Number(values['big-upload-rows']);

const log = logProgress;
const today = londonToday(new Date());
const { database, engine, close } = await openBenchDatabase();

const mean = (numbers: readonly number[]) =>
  numbers.reduce((sum, value) => sum + value, 0) / Math.max(1, numbers.length);

try {
  log(`building England in ${engine}: ${RECORDS.toLocaleString('en-GB')} records`);
  const data = await buildNationalData(database, {
    records: RECORDS,
    today,
    progress: log,
    keepRecords: false,
  });
  const config = readConfig({ IPS_LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error(config.problems.join('; '));
  const { app } = await composeApp(config.config, { database });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;

  const scopes = dashboardsOf(data);
  const roles = Object.keys(scopes) as BenchRole[];
  const cookies = new Map<BenchRole, string>();
  for (const role of roles) {
    const response = await new TestBrowser(app).signIn(data.accounts[role], BENCH_PASSWORD);
    const session = (response.cookies as Array<{ name: string; value: string }>)
      .map(({ name, value }) => `${name}=${value}`)
      .join('; ');
    cookies.set(role, session);
  }
  const rounds = new Map(
    roles.map((role) => [
      role,
      ['this-financial-year', 'last-financial-year'].flatMap((period) =>
        DASHBOARD_VIEWS.filter((view) => view !== 'benchmarking' || role === 'service-manager').map(
          (view) => ({
            method: 'GET' as const,
            path: `${scopes[role]}?view=${view}&period=${period}`,
            headers: { cookie: cookies.get(role) ?? '' },
          }),
        ),
      ),
    ]),
  );

  log('opening every view once, as a running server would have');
  for (const [role, requests] of rounds) {
    const browser = new TestBrowser(app);
    await browser.signIn(data.accounts[role], BENCH_PASSWORD);
    for (const { path } of requests) await browser.get(path);
  }

  // Team leaders of other teams, each with their own spreadsheet, uploading in turn.
  const uploaders: Array<{ browser: TestBrowser; teamId: number; bytes: Uint8Array }> = [];
  for (const [index, team] of data.teams.slice(1, UPLOAD_TEAMS + 1).entries()) {
    const browser = new TestBrowser(app);
    const email = `uploader-${index}@bench.invalid`;
    await createBenchAccount(database, email, {
      role: 'team-leader',
      teamId: team.id,
      serviceId: null,
      icsId: null,
      regionId: null,
    });
    await browser.signIn(email, BENCH_PASSWORD);
    const sheet = generateReferralRows({ rows: 500, seed: 900 + index, today, years: 2 });
    uploaders.push({
      browser,
      teamId: team.id,
      bytes: writeXlsx([{ name: 'Referrals', rows: [sheet.headings, ...sheet.rows] }]),
    });
  }

  /** Follows an upload from its POST to the done page; true when it was saved. */
  async function checkedAndSaved(
    browser: TestBrowser,
    sent: Awaited<ReturnType<TestBrowser['postFiles']>>,
    phases?: { checked: () => void },
  ): Promise<boolean> {
    const address = sent.headers.location;
    if (sent.statusCode !== 303 || address === undefined) return false;
    const checkPage = await browser.whenUploadFinished(address);
    phases?.checked();
    if (checkPage.statusCode !== 200) return false;
    await browser.post(address);
    const saved = await browser.whenUploadFinished(address);
    return /\/upload\/done\/\d+$/.test(saved.headers.location ?? '');
  }

  // The large upload and the bomb, each by a team leader of a team of its own.
  const bigUploaders: Array<{ browser: TestBrowser; teamId: number }> = [];
  for (const [index, team] of data.teams.slice(UPLOAD_TEAMS + 1, UPLOAD_TEAMS + 3).entries()) {
    const browser = new TestBrowser(app);
    const email = `big-uploader-${index}@bench.invalid`;
    await createBenchAccount(database, email, {
      role: 'team-leader',
      teamId: team.id,
      serviceId: null,
      icsId: null,
      regionId: null,
    });
    await browser.signIn(email, BENCH_PASSWORD);
    bigUploaders.push({ browser, teamId: team.id });
  }
  const bigSheet =
    BIG_UPLOAD_ROWS > 0
      ? generateReferralRows({ rows: BIG_UPLOAD_ROWS, seed: 7, today, years: 3 })
      : null;
  const bigFile =
    bigSheet === null
      ? null
      : writeXlsx([{ name: 'Referrals', rows: [bigSheet.headings, ...bigSheet.rows] }]);
  const bomb = bombWorkbook(990);
  /** When the large upload was being checked, then saved; when the bomb was answered. */
  const windows = { checkFrom: 0, checkTo: 0, saveTo: 0, bombRefusedMs: 0, bombOutcome: '' };
  let bigSaved = false;

  const memory: Array<{ at: number; rssMb: number; heapMb: number }> = [];
  const uploadTimes: number[] = [];
  let uploadFailures = 0;
  let uploading = true;
  const started = performance.now();
  // Live heap after a full collection, at 10 s and at the end: garbage not yet collected is no
  // growth. (Two pauses of a collection each, not one a second.)
  const collectedHeapMb = () => {
    globalThis.gc?.();
    return process.memoryUsage().heapUsed / 2 ** 20;
  };
  const heapAfterCollection: number[] = [];
  const firstCollection = setTimeout(() => heapAfterCollection.push(collectedHeapMb()), 10_000);
  const sampler = setInterval(() => {
    const { rss, heapUsed } = process.memoryUsage();
    memory.push({
      at: (performance.now() - started) / 1000,
      rssMb: rss / 2 ** 20,
      heapMb: heapUsed / 2 ** 20,
    });
  }, 1000);
  const uploadLoop = (async () => {
    for (let turn = 0; uploading; turn++) {
      const next = performance.now() + 1000;
      const uploader = uploaders[turn % uploaders.length];
      if (uploader) {
        const start = performance.now();
        await uploader.browser.get(`/teams/${uploader.teamId}/upload`);
        const checked = await uploader.browser.postFiles(`/teams/${uploader.teamId}/upload`, [
          { name: 'team.xlsx', bytes: uploader.bytes },
        ]);
        if (await checkedAndSaved(uploader.browser, checked)) {
          uploadTimes.push(performance.now() - start);
        } else uploadFailures++;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
    }
  })();

  const bigUpload = (async () => {
    const [big, bomber] = bigUploaders;
    if (bigFile === null || big === undefined || bomber === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await big.browser.get(`/teams/${big.teamId}/upload`);
    await bomber.browser.get(`/teams/${bomber.teamId}/upload`);
    windows.checkFrom = performance.now();
    const bombed = (async () => {
      const sent = await bomber.browser.postFiles(`/teams/${bomber.teamId}/upload`, [
        { name: 'bomb.xlsx', bytes: bomb },
      ]);
      const page = await bomber.browser.whenUploadFinished(String(sent.headers.location));
      windows.bombRefusedMs = performance.now() - windows.checkFrom;
      windows.bombOutcome = `${page.statusCode}: ${/more than \d+ times its compressed size/.exec(page.body)?.[0] ?? 'no ratio refusal'}`;
    })();
    const sent = await big.browser.postFiles(`/teams/${big.teamId}/upload`, [
      { name: 'big.xlsx', bytes: bigFile },
    ]);
    bigSaved = await checkedAndSaved(big.browser, sent, {
      checked: () => {
        windows.checkTo = performance.now();
      },
    });
    windows.saveTo = performance.now();
    await bombed;
  })();

  log(`${CONNECTIONS} users, ${RATE} pages a second, for ${SECONDS} s, one upload a second`);
  let connection = 0;
  const latencies: number[] = [];
  const timedLatencies: Array<{ at: number; ms: number }> = [];
  const statusCounts = new Map<number, number>();
  // autocannon paces a connection by whole requests a second, all starting on the same tick; so
  // with --rate the users are split into groups started a little apart, or every second would
  // open with one burst of all the pages. --rate 0: every user asks again as soon as answered.
  const groups = RATE > 0 ? Math.min(RATE, CONNECTIONS, 10) : 1;
  const runGroup = (group: number) =>
    new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `http://127.0.0.1:${port}`,
          connections: Math.floor(CONNECTIONS / groups) + (group < CONNECTIONS % groups ? 1 : 0),
          duration: SECONDS - group / groups,
          ...(RATE > 0
            ? { overallRate: Math.floor(RATE / groups) + (group < RATE % groups ? 1 : 0) }
            : {}),
          setupClient(client) {
            const role = roles[connection++ % roles.length] as BenchRole;
            client.setRequests(rounds.get(role) ?? []);
          },
        },
        (error, result) => (error ? reject(error) : resolve(result)),
      );
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        timedLatencies.push({ at: performance.now(), ms: responseTime });
        statusCounts.set(statusCode, (statusCounts.get(statusCode) ?? 0) + 1);
      });
    });
  const results = await Promise.all(
    Array.from(
      { length: groups },
      (_, group) =>
        new Promise<autocannon.Result>((resolve, reject) =>
          setTimeout(() => runGroup(group).then(resolve, reject), (group * 1000) / groups),
        ),
    ),
  );
  const result = {
    errors: results.reduce((sum, each) => sum + each.errors, 0),
    timeouts: results.reduce((sum, each) => sum + each.timeouts, 0),
    non2xx: results.reduce((sum, each) => sum + each.non2xx, 0),
  };
  uploading = false;
  await uploadLoop;
  await bigUpload;
  clearInterval(sampler);
  clearTimeout(firstCollection);
  heapAfterCollection.push(collectedHeapMb());
  await app.close();

  const sorted = [...latencies].sort((a, b) => a - b);
  const firstTen = memory.filter(({ at }) => at <= 10);
  const lastTen = memory.filter(({ at }) => at > SECONDS - 10);
  const sortedUploads = [...uploadTimes].sort((a, b) => a - b);
  console.log(
    `\nLoad test, ${engine}, ${RECORDS.toLocaleString('en-GB')} records, ${CONNECTIONS} users, ${RATE} pages a second, ${SECONDS} s`,
  );
  console.log(
    `requests: ${latencies.length} (${(latencies.length / SECONDS).toFixed(0)} a second)`,
  );
  console.log(
    `latency ms: median ${percentile(sorted, 0.5).toFixed(0)}, p95 ${percentile(sorted, 0.95).toFixed(0)}, p99 ${percentile(sorted, 0.99).toFixed(0)}, max ${(sorted.at(-1) ?? 0).toFixed(0)}`,
  );
  console.log(
    `errors: ${result.errors} connection errors, ${result.timeouts} timeouts, ${result.non2xx} answers other than 2xx (${[...statusCounts].map(([code, count]) => `${code}: ${count}`).join(', ')})`,
  );
  console.log(
    `uploads: ${uploadTimes.length} confirmed, ${uploadFailures} failed; median ${percentile(sortedUploads, 0.5).toFixed(0)} ms, p95 ${percentile(sortedUploads, 0.95).toFixed(0)} ms`,
  );
  if (bigFile !== null) {
    const during = (from: number, to: number) =>
      timedLatencies
        .filter(({ at }) => at >= from && at <= to)
        .map(({ ms }) => ms)
        .sort((a, b) => a - b);
    const line = (label: string, sortedMs: number[]) =>
      console.log(
        `${label}: ${sortedMs.length} pages, median ${percentile(sortedMs, 0.5).toFixed(0)} ms, p95 ${percentile(sortedMs, 0.95).toFixed(0)} ms, max ${(sortedMs.at(-1) ?? 0).toFixed(0)} ms`,
      );
    const seconds = (from: number, to: number) => `${((to - from) / 1000).toFixed(1)} s`;
    console.log(
      `${BIG_UPLOAD_ROWS.toLocaleString('en-GB')}-row upload: checked in ${seconds(windows.checkFrom, windows.checkTo)}, saved in ${seconds(windows.checkTo, windows.saveTo)}${bigSaved ? '' : ' (NOT SAVED)'}; the 990 MB bomb answered in ${(windows.bombRefusedMs / 1000).toFixed(1)} s (${windows.bombOutcome})`,
    );
    line('  pages while it and the bomb were checked', during(windows.checkFrom, windows.checkTo));
    line('  pages while it was saved', during(windows.checkTo, windows.saveTo));
  }
  console.log(
    `memory: first 10 s rss ${mean(firstTen.map(({ rssMb }) => rssMb)).toFixed(0)} MB (heap ${mean(firstTen.map(({ heapMb }) => heapMb)).toFixed(0)} MB); last 10 s rss ${mean(lastTen.map(({ rssMb }) => rssMb)).toFixed(0)} MB (heap ${mean(lastTen.map(({ heapMb }) => heapMb)).toFixed(0)} MB)`,
  );
  console.log(
    `live heap after a full collection: ${heapAfterCollection.map((mb) => `${mb.toFixed(0)} MB`).join(' at 10 s, ')} at the end`,
  );
} finally {
  await close();
}
