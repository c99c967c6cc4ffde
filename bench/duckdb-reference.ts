import { DuckDBInstance } from '@duckdb/node-api';
import { toDayNumber } from '../src/calendar/calendar-date.ts';
import { subPeriods } from '../src/metrics/breakdowns.ts';
import { asAtDate, type MetricsQuery } from '../src/metrics/compute.ts';
import { ALL_COUNTS } from '../src/metrics/definitions.ts';
import { deriveRecord } from '../src/metrics/derive.ts';
import type { ReferralRecord } from '../src/referrals/referral-record.ts';

/**
 * The analytic-engine reference: DuckDB over the raw records, one row per referral and one per
 * counted job, with no pre-aggregation, computing a national overview's figures (the ten counts
 * for England, for each service and for each month) straight from rows. Each record is derived by
 * the engine first (its sustainment dates need the IPS Grow rule), as it is at upload.
 */

export type OverviewCounts = Record<(typeof ALL_COUNTS)[number], number>;

export interface OverviewFigures {
  readonly total: OverviewCounts;
  readonly byService: ReadonlyMap<number, OverviewCounts>;
  readonly byMonth: readonly OverviewCounts[];
}

export async function loadDuckdbReference(
  teams: ReadonlyArray<{ id: number; serviceId: number }>,
  recordsOfTeam: ReadonlyMap<number, readonly ReferralRecord[]>,
) {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`CREATE TABLE referral (id INTEGER, service_id INTEGER, referral_day INTEGER,
    vp_day INTEGER, discharge_day INTEGER, first_job_day INTEGER, s13 INTEGER, s26 INTEGER, s52 INTEGER)`);
  await connection.run(
    'CREATE TABLE job (referral_id INTEGER, service_id INTEGER, start_day INTEGER)',
  );
  const referrals = await connection.createAppender('referral');
  const jobs = await connection.createAppender('job');
  let id = 0;
  for (const team of teams) {
    for (const record of recordsOfTeam.get(team.id) ?? []) {
      const derived = deriveRecord(record);
      id++;
      for (const value of [
        id,
        team.serviceId,
        derived.referralDay,
        derived.vpStartDay,
        derived.dischargeDay,
        derived.firstJobStartDay,
        derived.sustainments.weeks13?.day ?? null,
        derived.sustainments.weeks26?.day ?? null,
        derived.sustainments.weeks52?.day ?? null,
      ]) {
        if (value === null) referrals.appendNull();
        else referrals.appendInteger(value);
      }
      referrals.endRow();
      for (const job of derived.countedJobs) {
        jobs.appendInteger(id);
        jobs.appendInteger(team.serviceId);
        jobs.appendInteger(job.startDay);
        jobs.endRow();
      }
    }
  }
  referrals.closeSync();
  jobs.closeSync();

  const counts = (row: Record<string, unknown>): OverviewCounts =>
    Object.fromEntries(ALL_COUNTS.map((name) => [name, Number(row[name] ?? 0)])) as OverviewCounts;
  const recordCounts = (f: string, t: string, a: string) => `
    count(*) FILTER (WHERE referral_day BETWEEN ${f} AND ${t}) AS "referrals",
    count(*) FILTER (WHERE vp_day BETWEEN ${f} AND ${t}) AS "vpStarts",
    count(*) FILTER (WHERE vp_day <= ${a} AND (discharge_day IS NULL OR discharge_day > ${a})) AS "activeCaseload",
    count(*) FILTER (WHERE first_job_day BETWEEN ${f} AND ${a}) AS "firstJobStarts",
    count(*) FILTER (WHERE s13 BETWEEN ${f} AND ${a}) AS "sustained13",
    count(*) FILTER (WHERE s26 BETWEEN ${f} AND ${a}) AS "sustained26",
    count(*) FILTER (WHERE s52 BETWEEN ${f} AND ${a}) AS "sustained52",
    count(*) FILTER (WHERE discharge_day BETWEEN ${f} AND ${t}) AS "discharges"`;
  const jobCounts = 'count(*) AS "jobStarts", count(DISTINCT referral_id) AS "supportedIntoWork"';
  const rows = async (sql: string) =>
    (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;

  return {
    records: id,
    /** The overview's figures for England, each service and each month of the period. */
    async overview(query: MetricsQuery): Promise<OverviewFigures> {
      const f = String(toDayNumber(query.from));
      const t = String(toDayNumber(query.to));
      const a = String(toDayNumber(asAtDate(query)));
      const months = subPeriods(query.from, query.to, 'month').map(
        ({ from, to }, index) =>
          `(${index}, ${toDayNumber(from)}, ${toDayNumber(to)}, ${toDayNumber(asAtDate({ to, today: query.today }))})`,
      );
      const monthTable = `(VALUES ${months.join(', ')}) AS m(i, f, t, a)`;
      // One connection runs one statement at a time; DuckDB spreads each over the cores itself.
      const total = await rows(`SELECT ${recordCounts(f, t, a)} FROM referral`);
      const totalJobs = await rows(
        `SELECT ${jobCounts} FROM job WHERE start_day BETWEEN ${f} AND ${a}`,
      );
      const services = await rows(
        `SELECT service_id, ${recordCounts(f, t, a)} FROM referral GROUP BY service_id`,
      );
      const serviceJobs = await rows(
        `SELECT service_id, ${jobCounts} FROM job WHERE start_day BETWEEN ${f} AND ${a} GROUP BY service_id`,
      );
      const byMonth = await rows(
        `SELECT m.i, ${recordCounts('m.f', 'm.t', 'm.a')} FROM referral, ${monthTable} GROUP BY m.i ORDER BY m.i`,
      );
      const monthJobs = await rows(
        `SELECT m.i, ${jobCounts} FROM job JOIN ${monthTable} ON start_day BETWEEN m.f AND m.a GROUP BY m.i`,
      );
      const jobsOfService = new Map(serviceJobs.map((row) => [Number(row.service_id), row]));
      const jobsOfMonth = new Map(monthJobs.map((row) => [Number(row.i), row]));
      return {
        total: counts({ ...total[0], ...totalJobs[0] }),
        byService: new Map(
          services.map((row) => [
            Number(row.service_id),
            counts({ ...row, ...jobsOfService.get(Number(row.service_id)) }),
          ]),
        ),
        byMonth: byMonth.map((row) => counts({ ...row, ...jobsOfMonth.get(Number(row.i)) })),
      };
    },
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
