import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable, SqlValue } from '../database/database.ts';
import { findService, findTeam } from './organisations.ts';

/**
 * Changes to the organisation tree, each audited: administrators create and rename services and
 * the teams within them (each with its ICS); a team names its employment specialists.
 * Unique names (case-insensitive) are enforced by the database; these say so kindly first.
 */

type Context = Pick<AppContext, 'database' | 'clock'>;

async function exists(database: Queryable, sql: string, parameters: readonly SqlValue[]) {
  return (await database.query(sql, parameters)).length > 0;
}

export type ServiceChange =
  | { readonly kind: 'done'; readonly serviceId: number }
  | { readonly kind: 'name-taken' }
  | { readonly kind: 'not-found' };

export async function createService(
  context: Context,
  name: string,
  actorAccountId: number,
): Promise<Exclude<ServiceChange, { kind: 'not-found' }>> {
  if (
    await exists(context.database, 'SELECT 1 FROM service WHERE lower(name) = lower($1)', [name])
  ) {
    return { kind: 'name-taken' };
  }
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const [row] = await transaction.query<{ id: number }>(
      'INSERT INTO service (name, created_at) VALUES ($1, $2) RETURNING id',
      [name, now],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'created service',
      subject: `service ${row.id}`,
      detail: name,
    });
    return { kind: 'done', serviceId: row.id };
  });
}

export async function renameService(
  context: Context,
  serviceId: number,
  name: string,
  actorAccountId: number,
): Promise<ServiceChange> {
  if (
    await exists(
      context.database,
      'SELECT 1 FROM service WHERE lower(name) = lower($1) AND id <> $2',
      [name, serviceId],
    )
  ) {
    return { kind: 'name-taken' };
  }
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const renamed = await transaction.query(
      'UPDATE service SET name = $2 WHERE id = $1 RETURNING 1',
      [serviceId, name],
    );
    if (renamed.length === 0) return { kind: 'not-found' };
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'renamed service',
      subject: `service ${serviceId}`,
      detail: name,
    });
    return { kind: 'done', serviceId };
  });
}

export interface TeamDetails {
  readonly teamName: string;
  readonly icsId: number;
}

export type TeamChange =
  | { readonly kind: 'done'; readonly serviceId: number }
  | { readonly kind: 'name-taken' }
  /** No such service or team, or no such ICS. */
  | { readonly kind: 'not-found' };

const TEAM_NAME_TAKEN =
  'SELECT 1 FROM team WHERE service_id = $1 AND lower(name) = lower($2) AND id <> $3';

export async function createTeam(
  context: Context,
  serviceId: number,
  team: TeamDetails,
  actorAccountId: number,
): Promise<TeamChange> {
  if (await exists(context.database, TEAM_NAME_TAKEN, [serviceId, team.teamName, 0])) {
    return { kind: 'name-taken' };
  }
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if ((await findService(transaction, serviceId)) === null) return { kind: 'not-found' };
    if (!(await exists(transaction, 'SELECT 1 FROM ics WHERE id = $1', [team.icsId]))) {
      return { kind: 'not-found' };
    }
    const [row] = await transaction.query<{ id: number }>(
      'INSERT INTO team (service_id, ics_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [serviceId, team.icsId, team.teamName, now],
    );
    if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'created team',
      subject: `team ${row.id}`,
      detail: `${team.teamName} in service ${serviceId}`,
    });
    return { kind: 'done', serviceId };
  });
}

/** A new name or ICS for the team; it stays in its service. */
export async function changeTeam(
  context: Context,
  teamId: number,
  team: TeamDetails,
  actorAccountId: number,
): Promise<TeamChange> {
  const found = await findTeam(context.database, teamId);
  if (found === null) return { kind: 'not-found' };
  if (await exists(context.database, TEAM_NAME_TAKEN, [found.serviceId, team.teamName, teamId])) {
    return { kind: 'name-taken' };
  }
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    if (!(await exists(transaction, 'SELECT 1 FROM ics WHERE id = $1', [team.icsId]))) {
      return { kind: 'not-found' };
    }
    await transaction.query('UPDATE team SET name = $2, ics_id = $3 WHERE id = $1', [
      teamId,
      team.teamName,
      team.icsId,
    ]);
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'changed team',
      subject: `team ${teamId}`,
      detail: `${team.teamName}, ICS ${team.icsId}`,
    });
    return { kind: 'done', serviceId: found.serviceId };
  });
}

/**
 * The name a team gives one of its employment specialists (blank for none: they show by the
 * initials uploads use), and whether they have left. False if the team has no such specialist.
 */
export async function changeSpecialist(
  context: Context,
  teamId: number,
  specialistId: number,
  change: { readonly displayName: string; readonly hasLeft: boolean },
  actorAccountId: number,
): Promise<boolean> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const [changed] = await transaction.query<{ initials: string }>(
      `UPDATE specialist SET display_name = nullif($3, ''), has_left = $4
        WHERE id = $1 AND team_id = $2 RETURNING initials`,
      [specialistId, teamId, change.displayName, change.hasLeft],
    );
    if (changed === undefined) return false;
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'changed employment specialist',
      subject: `team ${teamId}, specialist ${changed.initials}`,
      detail: `${change.displayName || '(no name)'}${change.hasLeft ? ', left' : ''}`,
    });
    return true;
  });
}
