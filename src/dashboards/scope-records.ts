import type { Queryable } from '../database/database.ts';
import type { MetricsQuery } from '../metrics/compute.ts';
import { type DerivedRecord, deriveRecord } from '../metrics/derive.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import {
  type Drill,
  hasValue,
  isCountedInShare,
  SHARE_PARTS,
  shareOf,
  shareOfDrill,
} from './drill-through.ts';

export type GroupLevel = 'specialist' | 'team' | 'service';

/** The records of the given teams, derived by the engine as they are read. */
export async function derivedRecords(
  database: Queryable,
  teamIds: readonly number[],
): Promise<DerivedRecord[]> {
  if (teamIds.length === 0) return [];
  const rows = await database.query<{ record: ReferralRecord }>(
    'SELECT record FROM referral_record WHERE team_id = ANY($1::int[])',
    [`{${teamIds.join(',')}}`],
  );
  return rows.map(({ record }) => deriveRecord(record));
}

export interface TeamFreshness {
  readonly teamName: string;
  readonly lastUpload: Date | null;
  readonly records: number;
}

/** Each team's latest upload that still counts (not rolled back), and its records now. */
export function teamFreshness(
  database: Queryable,
  teamIds: readonly number[],
): Promise<TeamFreshness[]> {
  return database.query<TeamFreshness>(
    `SELECT t.name AS "teamName",
            (SELECT max(u.uploaded_at) FROM upload u
              WHERE u.team_id = t.id AND u.kind = 'upload' AND u.rolled_back_at IS NULL) AS "lastUpload",
            t.record_count AS records
       FROM team t WHERE t.id = ANY($1::int[]) ORDER BY lower(t.name)`,
    [`{${teamIds.join(',')}}`],
  );
}

/** One of a scope's records, with the team it belongs to and its id (for removal). */
export interface ScopeRecord {
  readonly id: number;
  readonly teamId: number;
  readonly record: ReferralRecord;
}

/** The records of the given teams, newest referral first, as the records page lists them. */
export function recordsOfTeams(
  database: Queryable,
  teamIds: readonly number[],
): Promise<ScopeRecord[]> {
  return database.query<ScopeRecord>(
    `SELECT id, team_id AS "teamId", record FROM referral_record WHERE team_id = ANY($1::int[])
      ORDER BY referral_date DESC, team_id, specialist, id`,
    [`{${teamIds.join(',')}}`],
  );
}

export interface RecordsBehindFigure {
  /** Each record with how much of the figure it holds (more than one job start, say). */
  readonly records: ReadonlyArray<ScopeRecord & { readonly share: number }>;
  /** Job starts count jobs, not records: their sum, when the figure is job starts. */
  readonly jobStarts: number | null;
  /** A share's records are those it is taken over: how many of them it counts. */
  readonly counted: { readonly count: number; readonly what: string } | null;
}

/**
 * The teams' records behind a figure (all of them when `drill` is null), narrowed to one
 * specialist's when asked. Null when the figure's breakdown value is one none of the records
 * holds: no row of a dashboard, so not echoed.
 */
export async function recordsBehindFigure(
  database: Queryable,
  scope: {
    readonly teamIds: readonly number[];
    readonly drill: Drill | null;
    readonly query: MetricsQuery;
    readonly specialist: string | undefined;
  },
): Promise<RecordsBehindFigure | null> {
  const { drill, query, specialist } = scope;
  const rows = await recordsOfTeams(database, scope.teamIds);
  const derived = rows.map((row) => ({ ...row, derived: deriveRecord(row.record) }));
  const breakdown = drill?.breakdown;
  if (breakdown && !derived.some((row) => hasValue(row.derived, breakdown))) return null;
  const shown = derived.flatMap((row) => {
    if (specialist !== undefined && row.record.specialist !== specialist) return [];
    const share = drill === null ? 1 : shareOf(row.derived, drill, query);
    return share > 0 ? [{ ...row, share }] : [];
  });
  const shareId = shareOfDrill(drill);
  return {
    records: shown.map(({ id, teamId, record, share }) => ({ id, teamId, record, share })),
    jobStarts:
      drill?.figure.metric === 'jobStarts'
        ? shown.reduce((sum, { share }) => sum + share, 0)
        : null,
    counted:
      shareId === null
        ? null
        : {
            count: shown.filter((row) => isCountedInShare(row.derived, shareId, query)).length,
            what: SHARE_PARTS[shareId],
          },
  };
}
