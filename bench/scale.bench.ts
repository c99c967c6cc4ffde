import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { londonToday } from '../src/calendar/london-today.ts';
import { readConfig } from '../src/config/config.ts';
import { figureRequests, teamsMetrics } from '../src/dashboards/dashboard.ts';
import { type PeriodPreset, resolvePeriod } from '../src/dashboards/period.ts';
import { DASHBOARD_VIEWS } from '../src/dashboards/scope-figures.ts';
import { warmFigures } from '../src/dashboards/warm-figures.ts';
import { factTallySource } from '../src/facts/fact-tallies.ts';
import type { MetricsQuery, MetricsResult } from '../src/metrics/compute.ts';
import { ALL_COUNTS } from '../src/metrics/definitions.ts';
import { composeApp } from '../src/server/composition-root.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import { TestBrowser } from '../test/support/test-web.ts';
import { loadDuckdbReference, type OverviewFigures } from './duckdb-reference.ts';
import {
  BENCH_PASSWORD,
  type BenchRole,
  buildNationalData,
  dashboardsOf,
  logProgress,
  openBenchDatabase,
  percentile,
} from './national-data.ts';

/**
 * npm run bench:scale [-- --records N] — a national database (500 services, 2 000 teams, N
 * records over ten years; 1 000 000 by default) in PGlite, or in PostgreSQL when DATABASE_URL is
 * set (in a schema of its own, dropped at the end). Times, through the whole server (routing,
 * session, figures, charts, page), every dashboard view for a national lead, a regional lead, a
 * service manager and a team leader, for this and last financial year, and the quarterly-return
 * roll-ups; then a 5 000-row upload into a team; then, on a restarted app, the background warm-up
 * of every team's tallies, a team dashboard asked during it, and England's first views after it. DuckDB computes the national overview's figures
 * from the raw rows in the same run, as the analytic-engine reference, and must agree with them.
 */

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '20' },
  },
});
const RECORDS = Number(values.records);
const REQUESTS = Number(values.requests);
if (!Number.isInteger(RECORDS) || RECORDS < 2000 || !Number.isInteger(REQUESTS) || REQUESTS < 1) {
  console.error('Usage: npm run bench:scale -- [--records N (at least 2000)] [--requests N]');
  process.exit(2);
}

const log = logProgress;
const today = londonToday(new Date());

const { database, engine, close } = await openBenchDatabase();

interface Timing {
  readonly view: string;
  readonly engine: string;
  readonly first: number;
  readonly median: number;
  readonly p95: number;
  readonly ratio?: number;
}

async function timed(run: () => Promise<unknown>, times: number) {
  const durations: number[] = [];
  for (let index = 0; index < times; index++) {
    const start = performance.now();
    await run();
    durations.push(performance.now() - start);
  }
  return summary(durations);
}

function summary(durations: readonly number[]) {
  const sorted = [...durations].sort((a, b) => a - b);
  return {
    first: durations[0] ?? 0,
    median: percentile(sorted, 0.5),
    p95: percentile(sorted, 0.95),
  };
}

try {
  log(`building England in ${engine}: ${RECORDS.toLocaleString('en-GB')} records`);
  const loadStart = performance.now();
  const data = await buildNationalData(database, {
    records: RECORDS,
    today,
    progress: log,
    keepRecords: true,
  });
  log(`built in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);

  const config = readConfig({ IPS_LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error(config.problems.join('; '));
  const { app, services } = await composeApp(config.config, { database });
  await app.ready();

  const first = data.teams[0] ?? { id: 0, serviceId: 0, icsId: 0, regionId: 0 };
  const scopes = dashboardsOf(data);
  const browsers = new Map<BenchRole, TestBrowser>();
  for (const role of Object.keys(scopes) as BenchRole[]) {
    const browser = new TestBrowser(app);
    await browser.signIn(data.accounts[role], BENCH_PASSWORD);
    browsers.set(role, browser);
  }

  const get = async (browser: TestBrowser, url: string) => {
    const response = await browser.get(url);
    if (response.statusCode !== 200) throw new Error(`${url} answered ${response.statusCode}`);
    return response;
  };

  // The reference first, so the service's timings below are not helped by DuckDB's warm-up.
  log('loading the raw records into DuckDB');
  const duckdb = await loadDuckdbReference(data.teams, data.recordsOfTeam);
  const periods = (['this-financial-year', 'last-financial-year'] as const).map(
    (preset: PeriodPreset) => {
      const resolved = resolvePeriod(preset, today);
      if (!resolved.ok) throw new Error(`no ${preset}`);
      const { from, to } = resolved.period;
      const query: MetricsQuery = { from, to, today, employmentStatus: 'all' };
      return { preset, query };
    },
  );
  const duckdbMedian = new Map<string, number>();
  const timings: Timing[] = [];
  const teamIds = data.teams.map((team) => team.id);
  /** The kept tallies' national totals of each period, which every other engine must give. */
  const keptTotals = new Map<string, MetricsResult | undefined>();
  for (const { preset, query } of periods) {
    let figures: OverviewFigures | null = null;
    const timing = await timed(async () => {
      figures = await duckdb.overview(query);
    }, REQUESTS);
    duckdbMedian.set(preset, timing.median);
    timings.push({
      view: `national overview figures, ${preset}`,
      engine: 'DuckDB (raw rows)',
      ...timing,
    });
    // The reference must give the service's own figures, or the comparison means nothing.
    const [ours] = await teamsMetrics(services.teamTallies, teamIds, [{ query, grouping: 'all' }]);
    keptTotals.set(preset, ours);
    for (const name of ALL_COUNTS) {
      const theirs = (figures as OverviewFigures | null)?.total[name];
      if (ours?.[name] !== theirs) {
        throw new Error(
          `DuckDB and the service differ on ${name} (${preset}): ${theirs} vs ${ours?.[name]}`,
        );
      }
    }
  }
  log(`DuckDB agrees with the service on the national totals over ${duckdb.records} records`);

  // The same figures counted by SQL straight from the stored facts (docs/FACTS.md), which the
  // dashboards do not read yet: the overview's requests (the period and each month) for every
  // team, summed. A few runs only: each takes seconds.
  for (const { preset, query } of periods) {
    const requests = figureRequests({ level: 'service', dimensions: [] }, query);
    let total: MetricsResult | undefined;
    const timing = await timed(
      async () => {
        [total] = await teamsMetrics(factTallySource(database), teamIds, requests);
      },
      Math.min(REQUESTS, 3),
    );
    const ours = keptTotals.get(preset);
    if (ALL_COUNTS.some((name) => total?.[name] !== ours?.[name])) {
      throw new Error(`the facts' SQL and the kept tallies differ (${preset})`);
    }
    timings.push({
      view: `national overview figures from the facts' SQL, ${preset}`,
      engine,
      ...timing,
      ratio: timing.median / (duckdbMedian.get(preset) ?? timing.median),
    });
  }
  log("the facts' SQL agrees with the kept tallies");
  duckdb.close();

  for (const [role, path] of Object.entries(scopes) as Array<[BenchRole, string]>) {
    const browser = browsers.get(role) as TestBrowser;
    const views = DASHBOARD_VIEWS.filter(
      (view) => view !== 'benchmarking' || role === 'service-manager',
    );
    for (const { preset } of periods) {
      for (const view of views) {
        const timing = await timed(
          () => get(browser, `${path}?view=${view}&period=${preset}`),
          REQUESTS,
        );
        const reference = duckdbMedian.get(preset);
        timings.push({
          view: `${role}: ${view}, ${preset}`,
          engine,
          ...timing,
          ...(role === 'national-lead' && view === 'overview' && reference
            ? { ratio: timing.median / reference }
            : {}),
        });
      }
      log(`${role}, ${preset}: ${views.length} views`);
    }
  }
  for (const [role, path] of [
    ['national-lead', `/areas/england/returns?quarter=${data.returnsQuarter}`],
    ['regional-lead', `/areas/regions/${first.regionId}/returns?quarter=${data.returnsQuarter}`],
  ] as const) {
    const timing = await timed(() => get(browsers.get(role) as TestBrowser, path), REQUESTS);
    timings.push({
      view: `${role}: quarterly returns roll-up ${data.returnsQuarter}`,
      engine,
      ...timing,
    });
  }

  log('quarterly returns timed; uploading 5 000 rows');
  // A 5 000-row upload into the team leader's team: checked, then confirmed.
  const leader = browsers.get('team-leader') as TestBrowser;
  const sheet = generateReferralRows({ rows: 5000, seed: 5000, today, years: 3 });
  const bytes = writeXlsx([{ name: 'Referrals', rows: [sheet.headings, ...sheet.rows] }]);
  await get(leader, `/teams/${first.id}/upload`);
  const uploadStart = performance.now();
  const checked = await leader.postFiles(`/teams/${first.id}/upload`, [
    { name: 'team.xlsx', bytes },
  ]);
  const address = String(checked.headers.location);
  // Through its check address, as a browser goes: progress while in hand, then the check page.
  await leader.whenUploadFinished(address);
  await leader.post(address);
  const confirmed = await leader.whenUploadFinished(address);
  const uploadMs = performance.now() - uploadStart;
  if (
    checked.statusCode !== 303 ||
    !/\/upload\/done\/\d+$/.test(confirmed.headers.location ?? '')
  ) {
    throw new Error(`the upload failed: ${checked.statusCode}, ${confirmed.statusCode}`);
  }
  timings.push({
    view: 'upload of 5 000 rows (check + confirm)',
    engine,
    first: uploadMs,
    median: uploadMs,
    p95: uploadMs,
  });
  const afterUpload = await timed(
    () =>
      get(
        browsers.get('national-lead') as TestBrowser,
        `${scopes['national-lead']}?view=overview&period=this-financial-year`,
      ),
    REQUESTS,
  );
  timings.push({ view: 'national-lead: overview just after that upload', engine, ...afterUpload });
  await app.close();

  // A restart with the warm-up on (IPS_WARM_FIGURES): a fresh app's tallies made in the
  // background while a team leader asks their dashboard five times a second; then England's first
  // views.
  const restarted = await composeApp(config.config, { database });
  await restarted.app.ready();
  const signedIn = async (role: BenchRole) => {
    const browser = new TestBrowser(restarted.app);
    await browser.signIn(data.accounts[role], BENCH_PASSWORD);
    return browser;
  };
  log('restarted: warming the figures while a team leader asks their dashboard');
  const restartedLeader = await signedIn('team-leader');
  const restartedNational = await signedIn('national-lead');
  const warmStart = performance.now();
  let warming = true;
  const warmed = warmFigures(restarted.services, today).finally(() => {
    warming = false;
  });
  const whileWarming: number[] = [];
  while (warming) {
    const start = performance.now();
    await get(restartedLeader, `${scopes['team-leader']}?view=overview&period=this-financial-year`);
    whileWarming.push(performance.now() - start);
    // Five a second, as people ask, not a closed loop that would take every turn of the event loop.
    await sleep(200);
  }
  const { teamsRead } = await warmed;
  const warmMs = performance.now() - warmStart;
  timings.push({
    view: `warm-up after a restart (${teamsRead} team reads)`,
    engine,
    first: warmMs,
    median: warmMs,
    p95: warmMs,
  });
  timings.push({
    view: `team-leader: overview during the warm-up (asked ${whileWarming.length} times)`,
    engine,
    ...summary(whileWarming),
  });
  for (const { preset } of periods) {
    const timing = await timed(
      () => get(restartedNational, `${scopes['national-lead']}?view=overview&period=${preset}`),
      REQUESTS,
    );
    timings.push({
      view: `national-lead: overview after the warm-up, ${preset}`,
      engine,
      ...timing,
    });
  }
  await restarted.app.close();

  const ms = (value: number) => value.toFixed(1).padStart(9);
  console.log(
    `\n${RECORDS.toLocaleString('en-GB')} records, ${data.teams.length} teams, ${REQUESTS} requests each; server time in ms (first request, median, p95)\n`,
  );
  console.log(
    `${'view'.padEnd(62)} ${'engine'.padEnd(18)}     first    median       p95  ÷ DuckDB`,
  );
  for (const timing of timings) {
    console.log(
      `${timing.view.padEnd(62)} ${timing.engine.padEnd(18)} ${ms(timing.first)} ${ms(timing.median)} ${ms(timing.p95)}  ${timing.ratio === undefined ? '' : timing.ratio.toFixed(2)}`,
    );
  }
  console.log(
    `\ntallies kept in memory: ${services.teamTallies.size}; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
  );
} finally {
  await close();
}
