import type { Queryable } from '../database/database.ts';
import type { AreaPlace, ServicePlace, TeamPlace } from '../permissions/permissions.ts';

/** The organisation tree: national → region → ICS → service → team → employment specialist. */

export interface Team {
  readonly id: number;
  readonly name: string;
  readonly serviceId: number;
  readonly serviceName: string;
  readonly icsId: number;
  readonly icsName: string;
  readonly regionId: number;
  readonly regionName: string;
}

const TEAM_SELECT = `SELECT t.id, t.name, t.service_id AS "serviceId", s.name AS "serviceName",
    t.ics_id AS "icsId", i.name AS "icsName", i.region_id AS "regionId", r.name AS "regionName"
  FROM team t JOIN service s ON s.id = t.service_id JOIN ics i ON i.id = t.ics_id
  JOIN region r ON r.id = i.region_id`;

export async function findTeam(database: Queryable, teamId: number): Promise<Team | null> {
  const [team] = await database.query<Team>(`${TEAM_SELECT} WHERE t.id = $1`, [teamId]);
  return team ?? null;
}

export function teamPlace(team: Team): TeamPlace {
  return { teamId: team.id, serviceId: team.serviceId, icsId: team.icsId, regionId: team.regionId };
}

export function teamsOfService(database: Queryable, serviceId: number): Promise<Team[]> {
  return database.query<Team>(`${TEAM_SELECT} WHERE t.service_id = $1 ORDER BY lower(t.name)`, [
    serviceId,
  ]);
}

export function allTeams(database: Queryable): Promise<Team[]> {
  return database.query<Team>(`${TEAM_SELECT} ORDER BY lower(s.name), lower(t.name)`);
}

export interface WiderArea {
  readonly name: string;
  readonly teamIds: readonly number[];
}

/**
 * The areas a service works in, widest last: each ICS and region of its teams, then England.
 * For benchmarking: these are named, never the other services within them.
 */
export function areasAroundService(
  serviceTeams: readonly Team[],
  all: readonly Team[],
): WiderArea[] {
  const areas = new Map<string, { name: string; teamIds: number[] }>();
  const around = (key: string, name: string, member: (team: Team) => boolean) => {
    if (!areas.has(key))
      areas.set(key, { name, teamIds: all.filter(member).map((team) => team.id) });
  };
  for (const team of serviceTeams)
    around(`ics:${team.icsId}`, team.icsName, (other) => other.icsId === team.icsId);
  for (const team of serviceTeams)
    around(`region:${team.regionId}`, team.regionName, (other) => other.regionId === team.regionId);
  around('england', 'England', () => true);
  return [...areas.values()];
}

export interface Service {
  readonly id: number;
  readonly name: string;
  readonly teamCount: number;
}

export async function findService(database: Queryable, serviceId: number): Promise<Service | null> {
  const [service] = await database.query<Service>(
    `SELECT s.id, s.name, (SELECT count(*) FROM team t WHERE t.service_id = s.id)::int AS "teamCount"
       FROM service s WHERE s.id = $1`,
    [serviceId],
  );
  return service ?? null;
}

export function allServices(database: Queryable): Promise<Service[]> {
  return database.query<Service>(
    `SELECT s.id, s.name, (SELECT count(*) FROM team t WHERE t.service_id = s.id)::int AS "teamCount"
       FROM service s ORDER BY lower(s.name)`,
  );
}

/** A service's place: the ICSs and regions its teams work in. */
export async function servicePlace(database: Queryable, serviceId: number): Promise<ServicePlace> {
  const rows = await database.query<{ icsId: number; regionId: number }>(
    `SELECT DISTINCT t.ics_id AS "icsId", i.region_id AS "regionId"
       FROM team t JOIN ics i ON i.id = t.ics_id WHERE t.service_id = $1`,
    [serviceId],
  );
  return {
    serviceId,
    icsIds: rows.map((row) => row.icsId),
    regionIds: [...new Set(rows.map((row) => row.regionId))],
  };
}

export interface Area {
  readonly place: AreaPlace;
  readonly name: string;
}

export async function findRegion(database: Queryable, regionId: number): Promise<Area | null> {
  const [row] = await database.query<{ name: string }>('SELECT name FROM region WHERE id = $1', [
    regionId,
  ]);
  return row ? { place: { type: 'region', regionId }, name: row.name } : null;
}

export async function findIcs(database: Queryable, icsId: number): Promise<Area | null> {
  const [row] = await database.query<{ name: string; regionId: number }>(
    'SELECT name, region_id AS "regionId" FROM ics WHERE id = $1',
    [icsId],
  );
  return row ? { place: { type: 'ics', icsId, regionId: row.regionId }, name: row.name } : null;
}

export const NATIONAL_AREA: Area = { place: { type: 'national' }, name: 'England' };

export interface AreaService {
  readonly id: number;
  readonly name: string;
  readonly icsNames: string;
  readonly teamCount: number;
}

/** The services with a team in the area, with the ICSs they work in there. */
export function servicesInArea(database: Queryable, area: AreaPlace): Promise<AreaService[]> {
  return database.query<AreaService>(
    `SELECT s.id, s.name, string_agg(DISTINCT i.name, ', ') AS "icsNames", count(*)::int AS "teamCount"
       FROM service s JOIN team t ON t.service_id = s.id JOIN ics i ON i.id = t.ics_id
      WHERE ($1::int IS NULL OR i.region_id = $1) AND ($2::int IS NULL OR i.id = $2)
      GROUP BY s.id, s.name ORDER BY lower(s.name)`,
    [area.type === 'national' ? null : area.regionId, area.type === 'ics' ? area.icsId : null],
  );
}

export interface NamedId {
  readonly id: number;
  readonly name: string;
}

export function allRegions(database: Queryable): Promise<NamedId[]> {
  return database.query<NamedId>('SELECT id, name FROM region ORDER BY id');
}

export function allIcss(
  database: Queryable,
): Promise<Array<NamedId & { regionId: number; regionName: string }>> {
  return database.query(
    `SELECT i.id, i.name, i.region_id AS "regionId", r.name AS "regionName" FROM ics i JOIN region r ON r.id = i.region_id
      ORDER BY r.id, i.name`,
  );
}

export interface Specialist {
  readonly id: number;
  readonly initials: string;
  readonly displayName: string | null;
  readonly hasLeft: boolean;
}

export function specialistsOfTeam(database: Queryable, teamId: number): Promise<Specialist[]> {
  return database.query<Specialist>(
    `SELECT id, initials, display_name AS "displayName", has_left AS "hasLeft"
       FROM specialist WHERE team_id = $1 ORDER BY has_left, initials`,
    [teamId],
  );
}

/** Specialists appear by initials as uploads name them; existing ones are left as they are. */
export async function ensureSpecialists(
  database: Queryable,
  teamId: number,
  initials: readonly string[],
): Promise<void> {
  for (const each of new Set(initials)) {
    await database.query(
      'INSERT INTO specialist (team_id, initials) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [teamId, each],
    );
  }
}
