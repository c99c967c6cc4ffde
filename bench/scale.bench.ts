import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { londonToday } from '../src/calendar/london-today.ts';
import { readConfig } from '../src/config/config.ts';
import {
  type DashboardFigures,
  type DashboardScope,
  dashboardFigures,
} from '../src/dashboards/dashboard.ts';
import { type PeriodPreset, resolvePeriod } from '../src/dashboards/period.ts';
import { DASHBOARD_VIEWS } from '../src/dashboards/scope-figures.ts';
import type { MetricsQuery, MetricsResult } from '../src/metrics/compute.ts';
import { ALL_COUNTS } from '../src/metrics/definitions.ts';
import { composeApp } from '../src/server/composition-root.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import { TestBrowser } from '../test/support/test-web.ts';
import {
  loadDuckdbReference,
  type OverviewCounts,
  type OverviewFigures,
} from './duckdb-reference.ts';
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
 * service manager and a team leader, for this and last financial year and a custom period, the
 * overview with the employment-status filter, and the quarterly-return roll-ups; then a 5 000-row
 * upload into a team; then England's first views on a restarted app. DuckDB computes the national
 * overview's figures (England, each service, each month) from the raw rows in the same run, as the
 * analytic-engine reference, and must agree with every one of them.
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
  // What autovacuum does soon after a bulk load, done now: without the statistics PostgreSQL
  // plans the counting for a tenth of the events it holds.
  if (engine === 'PostgreSQL') await database.runScript('VACUUM ANALYZE');

  const config = readConfig({ IPS_LOG_LEVEL: 'silent' });
  if (!config.ok) throw new Error(config.problems.join('; '));
  const { app } = await composeApp(config.config, { database });
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
  const presets = (['this-financial-year', 'last-financial-year'] as const).map(
    (preset: PeriodPreset) => {
      const resolved = resolvePeriod(preset, today);
      if (!resolved.ok) throw new Error(`no ${preset}`);
      const { from, to } = resolved.period;
      const query: MetricsQuery = { from, to, today, employmentStatus: 'all' };
      return { preset: preset as string, query, url: `period=${preset}` };
    },
  );
  // A period no preset covers: 3 May last year to 11 February this financial year.
  const lastYear = presets[1]?.query.from.slice(0, 4) ?? '';
  const custom: MetricsQuery = {
    from: `${lastYear}-05-03`,
    to: `${Number(lastYear) + 1}-02-11`,
    today,
    employmentStatus: 'all',
  };
  const periods = [
    ...presets,
    {
      preset: `custom ${custom.from} to ${custom.to}`,
      query: custom,
      url: `period=custom&from=${custom.from}&to=${custom.to}`,
    },
  ];
  const zeroCounts = Object.fromEntries(ALL_COUNTS.map((name) => [name, 0])) as OverviewCounts;
  const duckdbMedian = new Map<string, number>();
  const timings: Timing[] = [];
  // England's overview as the dashboard asks it: the period by service, and each month.
  const serviceOfTeam = new Map(data.teams.map((team) => [team.id, String(team.serviceId)]));
  const england: DashboardScope = {
    teamIds: data.teams.map((team) => team.id),
    level: 'service',
    groupOfTeam: (teamId) => serviceOfTeam.get(teamId) ?? '',
    allGroups: [...new Set(serviceOfTeam.values())],
    dimensions: [],
  };
  const sameCounts = (
    label: string,
    ours: MetricsResult | undefined,
    theirs: OverviewCounts | undefined,
  ) => {
    for (const name of ALL_COUNTS) {
      if (ours?.[name] !== theirs?.[name]) {
        throw new Error(
          `DuckDB and the service differ on ${name} (${label}): ${theirs?.[name]} vs ${ours?.[name]}`,
        );
      }
    }
  };
  for (const { preset, query } of periods) {
    let reference: OverviewFigures | null = null;
    const timing = await timed(async () => {
      reference = await duckdb.overview(query);
    }, REQUESTS);
    duckdbMedian.set(preset, timing.median);
    timings.push({
      view: `national overview figures, ${preset}`,
      engine: 'DuckDB (raw rows)',
      ...timing,
    });
    let figures: DashboardFigures | null = null;
    const ours = await timed(async () => {
      figures = await dashboardFigures(database, england, query);
    }, REQUESTS);
    timings.push({
      view: `national overview figures from the facts, ${preset}`,
      engine,
      ...ours,
      ratio: ours.median / timing.median,
    });
    // The reference must give the service's own figures, or the comparison means nothing: England,
    // every service and every month.
    const theirs = reference as OverviewFigures | null;
    const counted = figures as DashboardFigures | null;
    sameCounts(preset, counted?.total, theirs?.total);
    for (const { group, metrics } of counted?.groups ?? []) {
      sameCounts(
        `${preset}, service ${group}`,
        metrics,
        theirs?.byService.get(Number(group)) ?? zeroCounts,
      );
    }
    counted?.months.forEach(({ label, metrics }, index) => {
      sameCounts(`${preset}, ${label}`, metrics, theirs?.byMonth[index]);
    });
  }
  log(
    `DuckDB agrees with the service on England, each service and each month over ${duckdb.records} records`,
  );
  duckdb.close();

  for (const [role, path] of Object.entries(scopes) as Array<[BenchRole, string]>) {
    const browser = browsers.get(role) as TestBrowser;
    const views = DASHBOARD_VIEWS.filter(
      (view) => view !== 'benchmarking' || role === 'service-manager',
    );
    for (const { preset, url } of periods) {
      for (const view of views) {
        const timing = await timed(() => get(browser, `${path}?view=${view}&${url}`), REQUESTS);
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
    // With the employment-status filter: the people out of work at referral.
    const filtered = await timed(
      () =>
        get(
          browser,
          `${path}?view=overview&period=this-financial-year&employmentStatus=out-of-work`,
        ),
      REQUESTS,
    );
    timings.push({ view: `${role}: overview, out of work at referral`, engine, ...filtered });
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

  // A restarted app: nothing in it has counted anything. England's first views, then a team
  // leader's, each the first request its server answers for that view.
  const restarted = await composeApp(config.config, { database });
  await restarted.app.ready();
  const signedIn = async (role: BenchRole) => {
    const browser = new TestBrowser(restarted.app);
    await browser.signIn(data.accounts[role], BENCH_PASSWORD);
    return browser;
  };
  log('restarted: first views');
  const restartedNational = await signedIn('national-lead');
  for (const { preset, url } of periods) {
    const timing = await timed(
      () => get(restartedNational, `${scopes['national-lead']}?view=overview&${url}`),
      REQUESTS,
    );
    timings.push({ view: `national-lead: overview after a restart, ${preset}`, engine, ...timing });
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
    `\nrss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB (the benchmark's process, holding every record for DuckDB)`,
  );
} finally {
  await close();
}
