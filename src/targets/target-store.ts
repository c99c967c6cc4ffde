import { recordAudit } from '../audit/audit-log.ts';
import type { Database, Queryable } from '../database/database.ts';
import { financialYearLabel } from '../metrics/breakdowns.ts';
import { isTargetMeasure, TARGET_MEASURES, type TargetMeasure } from '../metrics/targets.ts';

/**
 * Targets and team sizes as stored, with every change kept (who, what, when). A service's target
 * is its own where its manager set one, else the sum of its teams' (docs/METRICS.md "Targets").
 */

export type TargetScope = { readonly type: 'team' | 'service'; readonly id: number };

/** The history's name for the team size, beside the target measures. */
export const TEAM_SIZE = 'specialistsWte';

export interface TargetChange {
  readonly changedAt: Date;
  readonly actorEmail: string | null;
  readonly financialYear: number;
  readonly measure: string;
  readonly oldValue: number | null;
  readonly newValue: number | null;
}

const TABLES = {
  team: { table: 'team_target', column: 'team_id' },
  service: { table: 'service_target', column: 'service_id' },
} as const;

/** A scope's own targets for one year (for a service: only those its manager set). */
export async function ownTargets(
  database: Queryable,
  scope: TargetScope,
  year: number,
): Promise<Map<TargetMeasure, number>> {
  const { table, column } = TABLES[scope.type];
  const rows = await database.query<{ measure: string; target: number }>(
    `SELECT measure, target FROM ${table} WHERE ${column} = $1 AND financial_year = $2`,
    [scope.id, year],
  );
  return new Map(
    rows.flatMap(({ measure, target }) => (isTargetMeasure(measure) ? [[measure, target]] : [])),
  );
}

/**
 * The target of a set of teams for one year: each whole service with its own target counts that;
 * every other team counts its own. A measure no team or service has a target for is absent.
 * A single team's dashboard asks for `ownTargets`: its own, even when it is a whole service.
 */
export async function targetsOfTeams(
  database: Queryable,
  teamIds: readonly number[],
  year: number,
): Promise<Map<TargetMeasure, number>> {
  if (teamIds.length === 0) return new Map();
  const rows = await database.query<{ measure: string; target: number }>(
    `WITH chosen AS (SELECT id, service_id FROM team WHERE id = ANY($1::int[])),
          whole_service AS (
            SELECT c.service_id FROM chosen c GROUP BY c.service_id
            HAVING count(*) = (SELECT count(*) FROM team t WHERE t.service_id = c.service_id))
     SELECT measure, sum(target)::int AS target FROM (
       SELECT st.measure, st.target FROM service_target st
        WHERE st.financial_year = $2 AND st.service_id IN (SELECT service_id FROM whole_service)
       UNION ALL
       SELECT tt.measure, tt.target FROM team_target tt JOIN chosen c ON c.id = tt.team_id
        WHERE tt.financial_year = $2
          AND NOT EXISTS (SELECT 1 FROM service_target st
                           WHERE st.service_id = c.service_id AND st.financial_year = $2
                             AND st.measure = tt.measure
                             AND st.service_id IN (SELECT service_id FROM whole_service))
     ) AS targets GROUP BY measure`,
    [`{${teamIds.join(',')}}`, year],
  );
  return new Map(
    rows.flatMap(({ measure, target }) => (isTargetMeasure(measure) ? [[measure, target]] : [])),
  );
}

export interface TargetEdit {
  readonly scope: TargetScope;
  readonly year: number;
  readonly measure: TargetMeasure;
  /** Null removes the target. */
  readonly target: number | null;
  readonly accountId: number;
  readonly at: Date;
}

/**
 * Sets (or clears) one target, keeping the change in the history and the audit log. Run inside
 * the caller's transaction, so a form's several targets are saved together or not at all.
 */
export async function setTarget(transaction: Queryable, edit: TargetEdit): Promise<void> {
  const { table, column } = TABLES[edit.scope.type];
  const [old] = await transaction.query<{ target: number }>(
    `SELECT target FROM ${table} WHERE ${column} = $1 AND financial_year = $2 AND measure = $3 FOR UPDATE`,
    [edit.scope.id, edit.year, edit.measure],
  );
  const oldValue = old?.target ?? null;
  if (oldValue === edit.target) return;
  if (edit.target === null) {
    await transaction.query(
      `DELETE FROM ${table} WHERE ${column} = $1 AND financial_year = $2 AND measure = $3`,
      [edit.scope.id, edit.year, edit.measure],
    );
  } else {
    await transaction.query(
      `INSERT INTO ${table} (${column}, financial_year, measure, target) VALUES ($1, $2, $3, $4)
       ON CONFLICT (${column}, financial_year, measure) DO UPDATE SET target = EXCLUDED.target`,
      [edit.scope.id, edit.year, edit.measure, edit.target],
    );
  }
  await keepChange(transaction, edit, edit.measure, oldValue, edit.target);
}

/** Sets one target in a transaction of its own (the API sets them one at a time). */
export function saveTarget(database: Database, edit: TargetEdit): Promise<void> {
  return database.transaction((transaction) => setTarget(transaction, edit));
}

/** A targets form: a box per measure, a blank one clearing its target. */
export type TargetsForm = Partial<Record<TargetMeasure, number | null>>;

type ChangedBy = Pick<TargetEdit, 'accountId' | 'at'>;

/** Every measure's box of a targets form, in the caller's transaction. */
async function setTargets(
  transaction: Queryable,
  scope: TargetScope,
  year: number,
  targets: TargetsForm,
  by: ChangedBy,
): Promise<void> {
  for (const measure of TARGET_MEASURES) {
    await setTarget(transaction, { scope, year, measure, target: targets[measure] ?? null, ...by });
  }
}

/** A team leader's form: the team's size and its targets for a year, all saved or none. */
export function saveTeamTargets(
  database: Database,
  form: ChangedBy & {
    readonly teamId: number;
    readonly year: number;
    readonly specialistsWte: number | null;
    readonly targets: TargetsForm;
  },
): Promise<void> {
  const { teamId, year, specialistsWte, targets, accountId, at } = form;
  return database.transaction(async (transaction) => {
    await setTeamSize(transaction, { teamId, year, specialistsWte, accountId, at });
    await setTargets(transaction, { type: 'team', id: teamId }, year, targets, { accountId, at });
  });
}

/** A service manager's form: the service's own targets for a year, all saved or none. */
export function saveServiceTargets(
  database: Database,
  form: ChangedBy & {
    readonly serviceId: number;
    readonly year: number;
    readonly targets: TargetsForm;
  },
): Promise<void> {
  const { serviceId, year, targets, accountId, at } = form;
  return database.transaction((transaction) =>
    setTargets(transaction, { type: 'service', id: serviceId }, year, targets, { accountId, at }),
  );
}

export async function teamSize(
  database: Queryable,
  teamIds: readonly number[],
  year: number,
): Promise<number | null> {
  if (teamIds.length === 0) return null;
  const [row] = await database.query<{ wte: string | null }>(
    'SELECT sum(specialists_wte)::text AS wte FROM team_size WHERE team_id = ANY($1::int[]) AND financial_year = $2',
    [`{${teamIds.join(',')}}`, year],
  );
  return row?.wte == null ? null : Number(row.wte);
}

/** The teams, among those given, with a size recorded for the year: for rates per WTE. */
export async function teamsWithSize(
  database: Queryable,
  teamIds: readonly number[],
  year: number,
): Promise<number[]> {
  if (teamIds.length === 0) return [];
  const rows = await database.query<{ teamId: number }>(
    'SELECT team_id AS "teamId" FROM team_size WHERE team_id = ANY($1::int[]) AND financial_year = $2',
    [`{${teamIds.join(',')}}`, year],
  );
  return rows.map(({ teamId }) => teamId);
}

/** Sets (or clears) a team's size for a year, in the caller's transaction. */
export async function setTeamSize(
  transaction: Queryable,
  edit: Omit<TargetEdit, 'measure' | 'target' | 'scope'> & {
    readonly teamId: number;
    readonly specialistsWte: number | null;
  },
): Promise<void> {
  const [old] = await transaction.query<{ wte: string }>(
    'SELECT specialists_wte::text AS wte FROM team_size WHERE team_id = $1 AND financial_year = $2 FOR UPDATE',
    [edit.teamId, edit.year],
  );
  const oldValue = old === undefined ? null : Number(old.wte);
  if (oldValue === edit.specialistsWte) return;
  if (edit.specialistsWte === null) {
    await transaction.query('DELETE FROM team_size WHERE team_id = $1 AND financial_year = $2', [
      edit.teamId,
      edit.year,
    ]);
  } else {
    await transaction.query(
      `INSERT INTO team_size (team_id, financial_year, specialists_wte) VALUES ($1, $2, $3)
       ON CONFLICT (team_id, financial_year) DO UPDATE SET specialists_wte = EXCLUDED.specialists_wte`,
      [edit.teamId, edit.year, edit.specialistsWte],
    );
  }
  await keepChange(
    transaction,
    { ...edit, scope: { type: 'team', id: edit.teamId } },
    TEAM_SIZE,
    oldValue,
    edit.specialistsWte,
  );
}

async function keepChange(
  transaction: Queryable,
  edit: Pick<TargetEdit, 'scope' | 'year' | 'accountId' | 'at'>,
  measure: string,
  oldValue: number | null,
  newValue: number | null,
): Promise<void> {
  await transaction.query(
    `INSERT INTO target_change (scope_type, scope_id, financial_year, measure, old_value, new_value, account_id, changed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      edit.scope.type,
      edit.scope.id,
      edit.year,
      measure,
      oldValue,
      newValue,
      edit.accountId,
      edit.at,
    ],
  );
  await recordAudit(transaction, edit.at, {
    actorAccountId: edit.accountId,
    action: measure === TEAM_SIZE ? 'team size set' : 'target set',
    subject: `${edit.scope.type} ${edit.scope.id}`,
    detail: `${financialYearLabel(edit.year)} ${measure}: ${oldValue ?? 'none'} → ${newValue ?? 'none'}`,
  });
}

export function targetHistory(
  database: Queryable,
  scope: TargetScope,
  year: number,
): Promise<TargetChange[]> {
  return database.query<TargetChange>(
    `SELECT c.changed_at AS "changedAt", a.email AS "actorEmail", c.financial_year AS "financialYear",
            c.measure, c.old_value::float8 AS "oldValue", c.new_value::float8 AS "newValue"
       FROM target_change c LEFT JOIN account a ON a.id = c.account_id
      WHERE c.scope_type = $1 AND c.scope_id = $2 AND c.financial_year = $3
      ORDER BY c.id DESC`,
    [scope.type, scope.id, year],
  );
}
