import type { Queryable } from '../database/database.ts';
import { deriveRecord } from '../metrics/derive.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import type { GroupedRecord } from './dashboard.ts';

export type GroupLevel = 'specialist' | 'team' | 'service';

/**
 * The records of the given teams, each labelled with its group at the level below the dashboard,
 * derived by the engine as they are read.
 */
export async function groupedRecords(
  database: Queryable,
  teamIds: readonly number[],
  level: GroupLevel,
): Promise<GroupedRecord[]> {
  if (teamIds.length === 0) return [];
  const rows = await database.query<{ group: string; teamId: number; record: ReferralRecord }>(
    `SELECT r.team_id AS "teamId", CASE $2 WHEN 'specialist' THEN r.specialist WHEN 'team' THEN r.team_id::text
                    ELSE t.service_id::text END AS "group",
            r.record
       FROM referral r JOIN team t ON t.id = r.team_id
      WHERE r.team_id = ANY($1::int[])`,
    [`{${teamIds.join(',')}}`, level],
  );
  return rows.map(({ group, teamId, record }) => ({
    group,
    teamId,
    derived: deriveRecord(record),
  }));
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
            (SELECT count(*)::int FROM referral r WHERE r.team_id = t.id) AS records
       FROM team t WHERE t.id = ANY($1::int[]) ORDER BY lower(t.name)`,
    [`{${teamIds.join(',')}}`],
  );
}
