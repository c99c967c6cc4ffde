import type { TallyRequest, TallySource } from '../dashboards/team-tallies.ts';
import type { Queryable } from '../database/database.ts';
import { NOT_RECORDED, type RecordDimension } from '../metrics/breakdowns.ts';
import {
  asAtDate,
  emptyTally,
  type GrowingTally,
  type MetricsTally,
  type TalliedCount,
  tallyOfCounts,
} from '../metrics/compute.ts';
import { SUSTAINMENT_WEEKS } from '../metrics/derive.ts';

/**
 * Each team's tally of the figures for a set of requests, counted by the database from the stored
 * facts (docs/FACTS.md): one pass over the teams' facts answers every request at once. SQL compares
 * the facts' dates with each request's period and as-at date and counts; the engine's
 * `metricsFromTally` turns the counts into the figures, as it does for records in memory.
 *
 * Not yet what the dashboards read: pairing every fact with every request costs about 6 µs a pair
 * on PostgreSQL, so England's overview (13 requests over 100 000 facts) takes 12 s where the
 * team tallies kept in memory answer in milliseconds. It is the counting the facts issue builds
 * its pre-counted figures on, checked against the engine (src/dashboards/team-tallies.db.test.ts).
 */

/** The fact column of each field a dashboard splits by. */
const DIMENSION_COLUMN: Readonly<Record<RecordDimension, string>> = {
  specialist: 'specialist',
  gender: 'gender',
  ethnicity: 'ethnicity',
  ageBand: 'age_band',
  benefits: 'benefits',
  employmentStatus: 'employment_status',
  referralSource: 'referral_source',
  referralSourceCategory: 'referral_source_category',
  localAuthority: 'local_authority',
  caseloadStatus: 'caseload_status',
  dischargeReason: 'discharge_reason',
  substanceGroup: 'substance_group',
};

const GROUP_OF_REQUEST = `CASE p.grouping WHEN 'all' THEN 'all' ${Object.entries(DIMENSION_COLUMN)
  .map(([dimension, column]) => `WHEN '${dimension}' THEN coalesce(f.${column}, $7)`)
  .join(' ')} END`;

/**
 * Every fact of the teams paired with every request it is counted for: `m` says whether it passes
 * the request's employment-status filter (every record still counts towards `records`).
 */
const MATCHED = `
  WITH p AS (
    SELECT * FROM unnest($2::date[], $3::date[], $4::date[], $5::text[], $6::text[], $8::text[])
      WITH ORDINALITY AS p(from_date, to_date, as_at, status, grouping, only_specialist, n)
  ), matched AS (
    SELECT p.n, p.from_date, p.to_date, p.as_at, f.*, ${GROUP_OF_REQUEST} AS grp,
           (p.status = 'all' OR (p.status = 'out-of-work' AND f.out_of_work)
             OR (p.status = 'in-work' AND f.in_work)) AS m
      FROM referral_fact f
      -- A join, not "= ANY": England's 2 000 ids tested against every fact would cost more than all the rest.
      JOIN unnest($1::int[]) AS t(team_id) USING (team_id)
      CROSS JOIN p
     WHERE p.only_specialist IS NULL OR f.specialist = p.only_specialist
  )`;

const inPeriod = (column: string) => `${column} BETWEEN from_date AND to_date`;
/** From the period's start to the as-at date: jobs and sustainments after it never count. */
const toAsAt = (column: string) => `${column} BETWEEN from_date AND as_at`;
/** On the caseload at the as-at date: VP started by then, not discharged by then. */
const ACTIVE = 'vp_start_date <= as_at AND (discharge_date IS NULL OR discharge_date > as_at)';
/** The employment rate's population: on the caseload in the period, not employed at referral. */
const SERVED =
  'vp_start_date <= as_at AND (discharge_date IS NULL OR discharge_date >= from_date) AND NOT in_work';

const JOB_STARTED = 'j.start_date >= from_date AND j.start_date <= as_at';

/** The counts that need a record's jobs. */
const JOB_COUNTS = {
  jobStarts: `count(*) FILTER (WHERE ${JOB_STARTED})`,
  supportedIntoWork: `count(DISTINCT referral_id) FILTER (WHERE ${JOB_STARTED})`,
  // In millionths of an hour, as the engine adds them: exact whatever the order.
  hoursTotal: `coalesce(sum(round(j.hours_per_week * 1000000)) FILTER (WHERE ${JOB_STARTED}), 0)`,
  hoursCount: `count(j.hours_per_week) FILTER (WHERE ${JOB_STARTED})`,
  activeInWork: `count(DISTINCT referral_id) FILTER (WHERE ${ACTIVE} AND j.start_date <= as_at AND (j.end_date IS NULL OR j.end_date >= as_at))`,
  servedInWork: `count(DISTINCT referral_id) FILTER (WHERE ${SERVED} AND from_date <= as_at AND j.start_date <= as_at AND (j.end_date IS NULL OR j.end_date >= from_date))`,
} as const satisfies Partial<Record<TalliedCount, string>>;

type JobCount = keyof typeof JOB_COUNTS;

/** The condition of each count of records, besides the filter. */
const RECORD_CONDITIONS = {
  referrals: inPeriod('referral_date'),
  vpStarts: inPeriod('vp_start_date'),
  activeCaseload: ACTIVE,
  firstJobStarts: toAsAt('first_job_date'),
  discharges: inPeriod('discharge_date'),
  retentionPopulation: `${inPeriod('referral_date')} AND status_known`,
  retained: `${inPeriod('referral_date')} AND status_known AND in_work`,
  servedPopulation: SERVED,
  ...Object.fromEntries(
    SUSTAINMENT_WEEKS.flatMap((weeks) => [
      [`sustained${weeks}`, toAsAt(`sustained${weeks}_date`)],
      ...(['under16', '16plus', 'unknown'] as const).map((band) => [
        `${weeks}:${band}`,
        `${toAsAt(`sustained${weeks}_date`)} AND sustained${weeks}_hours = '${band}'`,
      ]),
    ]),
  ),
  ...Object.fromEntries(
    (['under6m', '6to12m', 'over12m', 'noVpStart'] as const).map((band) => [
      `firstJob:${band}`,
      `${toAsAt('first_job_date')} AND time_to_first_job = '${band}'`,
    ]),
  ),
} as Readonly<Record<Exclude<TalliedCount, JobCount | 'records'>, string>>;

const RECORD_COUNTS_SQL = `${MATCHED}
  SELECT n, team_id AS "teamId", grp, count(*) AS records, ${Object.entries(RECORD_CONDITIONS)
    .map(([name, condition]) => `count(*) FILTER (WHERE m AND ${condition}) AS "${name}"`)
    .join(', ')}
    FROM matched GROUP BY n, team_id, grp`;

const JOB_COUNTS_SQL = `${MATCHED}
  SELECT n, team_id AS "teamId", grp, ${Object.entries(JOB_COUNTS)
    .map(([name, aggregate]) => `${aggregate} AS "${name}"`)
    .join(', ')}
    FROM matched JOIN job_fact j USING (referral_id)
   WHERE m AND j.start_date <= as_at
   GROUP BY n, team_id, grp`;

/** The waits (days → records) and the caseload by specialist, for medians and the fidelity range. */
const HISTOGRAMS_SQL = `${MATCHED}
  SELECT n, team_id AS "teamId", grp, 'firstContact' AS kind, (first_contact_date - referral_date)::text AS key, count(*) AS count
    FROM matched WHERE m AND ${inPeriod('referral_date')} AND first_contact_date IS NOT NULL
   GROUP BY n, team_id, grp, key
  UNION ALL
  SELECT n, team_id, grp, 'employerContact', (employer_contact_date - vp_start_date)::text, count(*)
    FROM matched WHERE m AND ${inPeriod('vp_start_date')} AND employer_contact_date IS NOT NULL
   GROUP BY n, team_id, grp, employer_contact_date - vp_start_date
  UNION ALL
  SELECT n, team_id, grp, 'caseload', specialist, count(*)
    FROM matched WHERE m AND ${ACTIVE}
   GROUP BY n, team_id, grp, specialist`;

interface GroupRow {
  readonly n: number;
  readonly teamId: number;
  readonly grp: string;
}

type CountRow = GroupRow & Readonly<Record<string, number>>;

interface HistogramRow extends GroupRow {
  readonly kind: 'firstContact' | 'employerContact' | 'caseload';
  readonly key: string;
  readonly count: number;
}

const arrayOf = (values: ReadonlyArray<string | number | null>) =>
  `{${values.map((value) => (value === null ? 'NULL' : JSON.stringify(String(value)))).join(',')}}`;

/** For each request, each team's tallies by group; a team without records has none. */
export async function factTallies(
  database: Queryable,
  teamIds: readonly number[],
  requests: readonly TallyRequest[],
): Promise<Array<Map<number, Map<string, MetricsTally>>>> {
  const answers = requests.map(() => new Map<number, Map<string, GrowingTally>>());
  if (teamIds.length === 0 || requests.length === 0) return answers;
  const parameters = [
    arrayOf(teamIds),
    arrayOf(requests.map(({ query }) => query.from)),
    arrayOf(requests.map(({ query }) => query.to)),
    arrayOf(requests.map(({ query }) => asAtDate(query))),
    arrayOf(requests.map(({ query }) => query.employmentStatus)),
    arrayOf(requests.map(({ grouping }) => grouping)),
    NOT_RECORDED,
    arrayOf(requests.map(({ specialist }) => specialist ?? null)),
  ];
  const [recordCounts, jobCounts, histograms] = await Promise.all([
    database.query<CountRow>(RECORD_COUNTS_SQL, parameters),
    database.query<CountRow>(JOB_COUNTS_SQL, parameters),
    database.query<HistogramRow>(HISTOGRAMS_SQL, parameters),
  ]);
  const jobsOf = new Map(jobCounts.map((row) => [`${row.n}|${row.teamId}|${row.grp}`, row]));
  for (const row of recordCounts) {
    const jobs = jobsOf.get(`${row.n}|${row.teamId}|${row.grp}`);
    const tally = tallyOfCounts((name) =>
      name in JOB_COUNTS ? (jobs?.[name] ?? 0) : (row[name] ?? 0),
    );
    const team = teamAnswer(answers, row);
    team?.set(row.grp, tally);
  }
  for (const row of histograms) {
    const tally = teamAnswer(answers, row)?.get(row.grp) ?? emptyTally();
    if (row.kind === 'caseload') tally.caseloadBySpecialist.set(row.key, row.count);
    else {
      const histogram =
        row.kind === 'firstContact' ? tally.daysToFirstContact : tally.daysToEmployerContact;
      histogram.set(Number(row.key), row.count);
    }
  }
  return answers;
}

function teamAnswer(
  answers: Array<Map<number, Map<string, GrowingTally>>>,
  { n, teamId }: GroupRow,
): Map<string, GrowingTally> | undefined {
  const request = answers[n - 1];
  if (request === undefined) return undefined;
  const team = request.get(teamId) ?? new Map<string, GrowingTally>();
  request.set(teamId, team);
  return team;
}

/** The facts' counting as a dashboard's tally source: every call counted afresh, nothing kept. */
export function factTallySource(database: Queryable): TallySource {
  return {
    tallies: (teamIds, requests) => factTallies(database, teamIds, requests),
    scopeState: (_key, create) => create(),
  };
}
