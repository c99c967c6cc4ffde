import type { Queryable } from '../database/database.ts';
import { type DerivedRecord, deriveRecord } from '../metrics/derive.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';

export type GroupLevel = 'specialist' | 'team' | 'service';

/** The records of the given teams, derived by the engine as they are read. */
export async function derivedRecords(
  database: Queryable,
  teamIds: readonly number[],
): Promise<DerivedRecord[]> {
  if (teamIds.length === 0) return [];
  const rows = await database.query<{ record: ReferralRecord }>(
    'SELECT record FROM referral WHERE team_id = ANY($1::int[])',
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
