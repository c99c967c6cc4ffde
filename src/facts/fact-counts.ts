import type { Queryable } from '../database/database.ts';
import { NOT_RECORDED, type RecordDimension } from '../metrics/breakdowns.ts';
import {
  asAtDate,
  type EmploymentStatusFilter,
  type GrowingTally,
  type MetricsQuery,
} from '../metrics/compute.ts';
import {
  binDates,
  EVENT_KINDS,
  type EventBin,
  IN_WORK_BIT,
  OUT_OF_WORK_BIT,
  olderRecordsBin,
  type TallyDetail,
  tallyOfBins,
  WAIT_KINDS,
  WITH_WAITS,
} from '../metrics/fact-events.ts';

/**
 * The figures' tallies of a set of teams, counted by the database from the stored events
 * (docs/FACTS.md). The requests that split the teams' records the same way are one statement: it
 * sorts every event into the bins between those requests' dates (`width_bucket`) and counts each
 * bin, in one pass whatever the number of periods; `tallyOfBins` then adds up, for each request,
 * the bins its period and as-at date take in. Nothing is kept between calls: any number of app
 * servers give the same figures the moment an upload's transaction ends.
 */

/** How a request splits the records: not at all, by the team's group, by specialist or by a field. */
export type FactGrouping = 'none' | 'teamGroup' | 'specialist' | RecordDimension;

export interface FactRequest {
  readonly query: MetricsQuery;
  readonly groupBy: FactGrouping;
  /** What the tally needs beyond its counts ('full' unless said). */
  readonly detail?: TallyDetail;
}

/** The least detail that serves every one of some requests. */
function detailFor(requests: readonly FactRequest[]): TallyDetail {
  const details = new Set(requests.map(({ detail }) => detail ?? 'full'));
  return details.has('full') ? 'full' : details.has('waits') ? 'waits' : 'counts';
}

export interface FactScope {
  readonly teamIds: readonly number[];
  /** For 'teamGroup': the group each team's records count in (a team, a service, an area). */
  readonly groupOfTeam?: (teamId: number) => string;
  /** Only this specialist's records. */
  readonly specialist?: string;
}

/** The single group of a request that does not split. */
export const WHOLE = 'all';

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

/** A statement's parameters, each added where the SQL first needs it (PostgreSQL refuses one unused). */
class Parameters {
  readonly values: Array<string | number> = [];
  add(value: string | number): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const arrayOf = (values: ReadonlyArray<string | number>) =>
  `{${values.map((value) => JSON.stringify(String(value))).join(',')}}`;

/** A row of the bins statement that counts a group's records older than the page's first date. */
const OLDER_RECORDS = -1;

/** The scope's teams, each with the group its records count in. */
function scopeTeams(scope: FactScope, parameters: Parameters): string {
  const groupOf = scope.groupOfTeam ?? (() => WHOLE);
  return `unnest(${parameters.add(arrayOf(scope.teamIds))}::int[], ${parameters.add(
    arrayOf(scope.teamIds.map(groupOf)),
  )}::text[]) AS s(team_id, team_group)`;
}

/** The scope's events, each with its team's group and, when a field is asked, its record's fields. */
function scopeEvents(
  scope: FactScope,
  parameters: Parameters,
  teams: string,
  needsFields: boolean,
): string {
  const fields = needsFields || scope.specialist !== undefined;
  return `fact_event e
    -- A join, not "= ANY": England's 2 000 ids tested against every event would cost more than the counting.
    JOIN ${teams} USING (team_id)
    ${fields ? 'JOIN referral_fact f ON f.referral_id = e.referral_id' : ''}
    ${scope.specialist === undefined ? '' : `AND f.specialist = ${parameters.add(scope.specialist)}`}`;
}

function binsStatement(
  scope: FactScope,
  grouping: FactGrouping,
  dates: readonly string[],
  detail: TallyDetail,
) {
  const parameters = new Parameters();
  const byField = grouping !== 'none' && grouping !== 'teamGroup';
  const teams = scopeTeams(scope, parameters);
  const first = `${parameters.add(dates[0] ?? '')}::date`;
  const events = scopeEvents(scope, parameters, teams, byField);
  const bins = `${parameters.add(arrayOf(dates))}::date[]`;
  const group =
    grouping === 'none'
      ? `'${WHOLE}'`
      : grouping === 'teamGroup'
        ? 's.team_group'
        : `coalesce(f.${DIMENSION_COLUMN[grouping]}, ${parameters.add(NOT_RECORDED)})`;
  const sql = `SELECT ${group} AS grp, e.kind, e.status,
       width_bucket(e.on_day, ${bins}) AS "on", width_bucket(e.until_day, ${bins}) AS "until",
       e.band, ${WITH_WAITS.has(detail) ? `CASE WHEN e.kind IN (${WAIT_KINDS.map((kind) => EVENT_KINDS.indexOf(kind)).join(', ')}) THEN e.amount END` : 'NULL::bigint'} AS wait,
       ${detail === 'full' ? 'e.specialist' : 'NULL::text'} AS specialist, count(*) AS n, coalesce(sum(e.amount), 0) AS "amountSum", count(e.amount) AS "amountCount"
  FROM ${events}
 -- Only the events that count on or after the first date (docs/FACTS.md, lastCountedDay).
 WHERE e.last_day >= ${first}
 GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
 UNION ALL
SELECT ${group}, ${OLDER_RECORDS}, NULL, NULL, NULL, NULL, NULL, NULL, count(*), NULL, NULL
  FROM referral_fact f JOIN ${teams} USING (team_id)
 WHERE f.referral_date < ${first}
   ${scope.specialist === undefined ? '' : `AND f.specialist = ${parameters.add(scope.specialist)}`}
 GROUP BY 1`;
  return { sql, parameters: parameters.values };
}

interface BinRow extends Omit<EventBin, 'kind'> {
  readonly grp: string;
  readonly kind: number;
}

/** For each request, the tally of each group of the scope's records (no group without a record). */
export async function countFacts(
  database: Queryable,
  scope: FactScope,
  requests: readonly FactRequest[],
): Promise<Array<Map<string, GrowingTally>>> {
  const answers = requests.map(() => new Map<string, GrowingTally>());
  if (scope.teamIds.length === 0) return answers;
  const groupings = [...new Set(requests.map(({ groupBy }) => groupBy))];
  // A statement per way of splitting, at once: on PostgreSQL each has a connection of its own.
  await Promise.all(
    groupings.map(async (grouping) => {
      const asked = requests.flatMap((request, index) =>
        request.groupBy === grouping ? [{ ...request, index }] : [],
      );
      const dates = binDates(asked.map(({ query }) => query));
      const { sql, parameters } = binsStatement(scope, grouping, dates, detailFor(asked));
      const groups = new Map<string, EventBin[]>();
      for (const row of await database.query<BinRow>(sql, parameters)) {
        const kind = EVENT_KINDS[row.kind];
        if (kind === undefined && row.kind !== OLDER_RECORDS) {
          throw new Error(`fact_event holds an unknown kind ${row.kind}`);
        }
        const bin = kind === undefined ? olderRecordsBin(row.n) : { ...row, kind };
        const group = groups.get(row.grp);
        if (group) group.push(bin);
        else groups.set(row.grp, [bin]);
      }
      for (const { query, index, detail } of asked) {
        for (const [group, bins] of groups) {
          answers[index]?.set(group, tallyOfBins(bins, dates, query, detail));
        }
      }
    }),
  );
  return answers;
}

/** The status bits a filter asks an event to have. */
const FILTER_BITS: Readonly<Record<EmploymentStatusFilter, number>> = {
  all: 0,
  'out-of-work': OUT_OF_WORK_BIT,
  'in-work': IN_WORK_BIT,
};

/**
 * Specialists holding an active caseload at the query's as-at date, each counted once per team:
 * the caseload events of `tallyOfBins` (VP start on or before the as-at date, discharge after it).
 */
export async function specialistsHoldingCaseload(
  database: Queryable,
  scope: FactScope,
  query: MetricsQuery,
): Promise<number> {
  if (scope.teamIds.length === 0) return 0;
  const parameters = new Parameters();
  const events = scopeEvents(scope, parameters, scopeTeams(scope, parameters), false);
  const asAt = parameters.add(asAtDate(query));
  const [row] = await database.query<{ holding: number }>(
    `SELECT count(DISTINCT (e.team_id, e.specialist)) AS holding FROM ${events}
      WHERE e.kind = ${EVENT_KINDS.indexOf('caseload')} AND e.on_day <= ${asAt}
        AND (e.until_day IS NULL OR e.until_day > ${asAt})
        AND e.status & ${FILTER_BITS[query.employmentStatus]} = ${FILTER_BITS[query.employmentStatus]}`,
    parameters.values,
  );
  return row?.holding ?? 0;
}
