import type { Database, Queryable } from '../database/database.ts';
import { EVENT_KINDS } from '../metrics/fact-events.ts';
import { factsOfRecordTexts, type ReferralFacts } from '../metrics/facts.ts';

/**
 * Writes the facts of a team's current records (migrations 0016 and 0017, docs/FACTS.md) in the caller's
 * transaction, whenever the records change: an upload, a roll-back, a removal (the cascade). The
 * facts arrive as JSON whose keys are the columns, so a batch is one statement per table.
 */

/** `referral_fact`'s columns after the ids, each with its type as read from the JSON. */
const FACT_COLUMNS = [
  ['specialist', 'text'],
  ['gender', 'text'],
  ['ethnicity', 'text'],
  ['age_band', 'text'],
  ['benefits', 'text'],
  ['employment_status', 'text'],
  ['referral_source', 'text'],
  ['referral_source_category', 'text'],
  ['local_authority', 'text'],
  ['caseload_status', 'text'],
  ['discharge_reason', 'text'],
  ['substance_group', 'text'],
  ['out_of_work', 'boolean'],
  ['in_work', 'boolean'],
  ['status_known', 'boolean'],
  ['referral_date', 'date'],
  ['first_contact_date', 'date'],
  ['vp_start_date', 'date'],
  ['employer_contact_date', 'date'],
  ['discharge_date', 'date'],
  ['first_job_date', 'date'],
  ['time_to_first_job', 'text'],
  ['sustained13_date', 'date'],
  ['sustained13_hours', 'text'],
  ['sustained26_date', 'date'],
  ['sustained26_hours', 'text'],
  ['sustained52_date', 'date'],
  ['sustained52_hours', 'text'],
] as const satisfies ReadonlyArray<readonly [keyof ReferralFacts, string]>;

const FACT_NAMES = FACT_COLUMNS.map(([name]) => name).join(', ');

/** The batch's rows joined to the team's referral each belongs to, for its id. */
const FACTS_OF_BATCH = `jsonb_to_recordset($2::jsonb) AS f(client_key text, ${FACT_COLUMNS.map(
  ([name, type]) => `${name} ${type}`,
).join(', ')}, status smallint, events jsonb)
  JOIN referral r ON r.team_id = $1 AND r.client_key = f.client_key AND r.referral_date = f.referral_date`;

/** Facts per statement: a large upload is a few hundred statements, none of them huge. */
const FACTS_PER_STATEMENT = 1_000;

/**
 * Replaces the facts of the team's records these facts are of (new or changed records, already
 * saved in `referral`). Each element is one record's facts as JSON.
 */
export async function writeFacts(
  transaction: Queryable,
  teamId: number,
  factsJson: readonly string[],
): Promise<void> {
  for (let start = 0; start < factsJson.length; start += FACTS_PER_STATEMENT) {
    const batch = `[${factsJson.slice(start, start + FACTS_PER_STATEMENT).join(',')}]`;
    // One statement, so the batch is parsed once. Its parts share one snapshot: the events deleted
    // are the record's old ones, never those inserted beside them.
    await transaction.query(
      `WITH f AS MATERIALIZED (SELECT r.id AS referral_id, r.team_id, f.* FROM ${FACTS_OF_BATCH}),
            facts AS (
              INSERT INTO referral_fact (referral_id, team_id, ${FACT_NAMES})
              SELECT referral_id, team_id, ${FACT_NAMES} FROM f
              ON CONFLICT (referral_id) DO UPDATE SET ${FACT_COLUMNS.map(
                ([name]) => `${name} = EXCLUDED.${name}`,
              ).join(', ')}
              -- A row updated, not inserted, has a deleting transaction id: a changed record.
              RETURNING referral_id, xmax <> 0 AS changed
            ),
            -- Only changed records have old events; an array keeps the planner on the index, where
            -- "IN (SELECT …)" chose to scan every event in England for each batch.
            old_events AS (
              DELETE FROM fact_event
               WHERE referral_id = ANY (ARRAY(SELECT referral_id FROM facts WHERE changed))
            )
       INSERT INTO fact_event (referral_id, team_id, kind, status, on_day, until_day, last_day, band, amount, specialist)
       SELECT f.referral_id, f.team_id, e.kind, f.status, e.on_day, e.until_day, e.last_day, e.band, e.amount,
              CASE WHEN e.kind = $3 THEN f.specialist END
         FROM f CROSS JOIN LATERAL jsonb_to_recordset(f.events)
           AS e(kind smallint, on_day date, until_day date, last_day date, band text, amount bigint)`,
      [teamId, batch, EVENT_KINDS.indexOf('caseload')],
    );
  }
}

/**
 * Derives the facts' JSON of records given as JSON text: in a worker thread of the upload pool
 * for a request (`UploadCheckPool.deriveFacts`), so a large roll-back never holds up the event
 * loop; here, in `factsDerivedHere`, at start-up before the server listens.
 */
export type FactsDeriver = (recordTexts: readonly string[]) => Promise<readonly string[]>;

export const factsDerivedHere: FactsDeriver = async (recordTexts) =>
  factsOfRecordTexts(recordTexts);

/**
 * Derives and writes the facts of the given referrals (by id) of a team, or of every record the
 * team holds now when `referralIds` is null: after a roll-back has put back older versions, or
 * for records saved before facts existed.
 */
export async function rewriteFacts(
  transaction: Queryable,
  teamId: number,
  referralIds: readonly number[] | null,
  derive: FactsDeriver,
): Promise<void> {
  if (referralIds === null) {
    await transaction.query('DELETE FROM referral_fact WHERE team_id = $1', [teamId]);
  }
  const rows = await transaction.query<{ record: string }>(
    referralIds === null
      ? 'SELECT record::text AS record FROM referral_record WHERE team_id = $1'
      : 'SELECT record::text AS record FROM referral_record WHERE team_id = $1 AND id = ANY($2::bigint[])',
    referralIds === null ? [teamId] : [teamId, `{${referralIds.join(',')}}`],
  );
  if (rows.length === 0) return;
  await writeFacts(transaction, teamId, await derive(rows.map(({ record }) => record)));
}

/**
 * Derives the facts of teams whose records were saved before the facts table existed (marked by
 * migration 0016): once, at start-up after the migrations, one team per transaction.
 */
export async function writeMissingFacts(database: Database): Promise<void> {
  const teams = await database.query<{ id: number }>(
    'SELECT id FROM team WHERE facts_missing ORDER BY id',
  );
  for (const { id } of teams) {
    await database.transaction(async (transaction) => {
      // Taken as an upload takes it, so a change to the team waits for its facts.
      const [team] = await transaction.query<{ missing: boolean }>(
        'SELECT facts_missing AS missing FROM team WHERE id = $1 FOR UPDATE',
        [id],
      );
      if (!team?.missing) return;
      await rewriteFacts(transaction, id, null, factsDerivedHere);
      await transaction.query('UPDATE team SET facts_missing = false WHERE id = $1', [id]);
    });
  }
}
