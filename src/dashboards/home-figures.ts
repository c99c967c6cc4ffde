import type { AppContext } from '../application/context.ts';
import { londonToday } from '../calendar/london-today.ts';
import { countFacts, WHOLE } from '../facts/fact-counts.ts';
import {
  emptyTally,
  type MetricsQuery,
  type MetricsResult,
  type MetricsTally,
  metricsFromTally,
  sumTallies,
} from '../metrics/compute.ts';
import {
  allIcss,
  allRegions,
  allTeams,
  type NamedId,
  type Team,
  teamPlace,
} from '../organisations/organisations.ts';
import type {
  AreaPlace,
  RoleAssignment,
  ServicePlace,
  TeamPlace,
} from '../permissions/permissions.ts';
import { financialYear, type Period } from './period.ts';

/**
 * The home page's figures (a use case): for each scope the viewer holds a role in, this financial
 * year's headline counts for the scope and for each part of it one level down: a service's teams,
 * an ICS's services, a region's ICSs, England's regions. Counted as the dashboards count them,
 * from the same stored facts, so a figure on the home page is the one its dashboard shows.
 */

export const HOME_FIGURES = [
  'referrals',
  'vpStarts',
  'activeCaseload',
  'jobStarts',
  'supportedIntoWork',
  'sustained13',
] as const satisfies ReadonlyArray<keyof MetricsResult>;
export type HomeFigure = (typeof HOME_FIGURES)[number];

/** What a row stands for, as the permissions to open its dashboard are checked against. */
export type HomePlace =
  | { readonly kind: 'team'; readonly team: TeamPlace }
  | { readonly kind: 'service'; readonly service: ServicePlace }
  | { readonly kind: 'area'; readonly area: AreaPlace };

export interface HomeRow {
  readonly name: string;
  readonly place: HomePlace;
  readonly figures: Readonly<Record<HomeFigure, number>>;
}

export interface HomeSection {
  readonly assignment: RoleAssignment;
  readonly name: string;
  /** The scope's own figures. */
  readonly total: Readonly<Record<HomeFigure, number>>;
  /** Its parts one level down, by name; none for a team. */
  readonly parts: readonly HomeRow[];
  /** Under the small-number rule: an ICS, a region or England, when the setting is on. */
  readonly suppressSmallNumbers: boolean;
}

export interface HomeFigures {
  readonly period: Period;
  readonly query: MetricsQuery;
  readonly sections: readonly HomeSection[];
}

type HomeContext = Pick<AppContext, 'database' | 'clock'> & {
  readonly config: Pick<AppContext['config'], 'suppressSmallNumbers'>;
};

interface RowPlan {
  readonly name: string;
  readonly place: HomePlace;
  readonly teams: readonly Team[];
}

/** Teams grouped by a key, each group a row; the rows by name. */
function groupTeams(
  teams: readonly Team[],
  keyOf: (team: Team) => number,
  plan: (first: Team, members: readonly Team[]) => RowPlan,
): RowPlan[] {
  const groups = new Map<number, Team[]>();
  for (const team of teams) {
    const group = groups.get(keyOf(team));
    if (group) group.push(team);
    else groups.set(keyOf(team), [team]);
  }
  return [...groups.values()]
    .map((members) => plan(members[0] as Team, members))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB'));
}

const teamRow = (team: Team): RowPlan => ({
  name: team.name,
  place: { kind: 'team', team: teamPlace(team) },
  teams: [team],
});

/** A service's row: its place is where all its teams work, whichever of them the row counts. */
function serviceRow(first: Team, counted: readonly Team[], teams: readonly Team[]): RowPlan {
  const ofService = teams.filter((team) => team.serviceId === first.serviceId);
  return {
    name: first.serviceName,
    place: {
      kind: 'service',
      service: {
        serviceId: first.serviceId,
        icsIds: [...new Set(ofService.map((team) => team.icsId))],
        regionIds: [...new Set(ofService.map((team) => team.regionId))],
      },
    },
    teams: counted,
  };
}

type Ics = NamedId & { readonly regionId: number };

const icsRow = (ics: Ics, teams: readonly Team[]): RowPlan => ({
  name: ics.name,
  place: { kind: 'area', area: { type: 'ics', icsId: ics.id, regionId: ics.regionId } },
  teams: teams.filter((team) => team.icsId === ics.id),
});

const regionRow = (region: NamedId, teams: readonly Team[]): RowPlan => ({
  name: region.name,
  place: { kind: 'area', area: { type: 'region', regionId: region.id } },
  teams: teams.filter((team) => team.regionId === region.id),
});

/** Every region, and every ICS, so an area with no teams yet still has its row. */
interface AreaLists {
  readonly regions: readonly NamedId[];
  readonly icss: readonly Ics[];
}

/**
 * The teams a role's scope counts and its parts one level down; null for a role with no figures
 * (the administrator). A scope with no teams yet has figures of 0 and no parts.
 */
function planSection(
  assignment: RoleAssignment,
  teams: readonly Team[],
  { regions, icss }: AreaLists,
): { teams: readonly Team[]; parts: RowPlan[]; area: boolean } | null {
  const { scopeId } = assignment;
  switch (assignment.role) {
    case 'team-leader':
      return { teams: teams.filter((team) => team.id === scopeId), parts: [], area: false };
    case 'service-manager':
    case 'commissioner': {
      const ofService = teams.filter((team) => team.serviceId === scopeId);
      return { teams: ofService, parts: ofService.map(teamRow), area: false };
    }
    case 'ics-lead': {
      const inIcs = teams.filter((team) => team.icsId === scopeId);
      return {
        teams: inIcs,
        parts: groupTeams(
          inIcs,
          (team) => team.serviceId,
          (first, counted) => serviceRow(first, counted, teams),
        ),
        area: true,
      };
    }
    case 'regional-lead': {
      const inRegion = teams.filter((team) => team.regionId === scopeId);
      return {
        teams: inRegion,
        parts: icss.filter((ics) => ics.regionId === scopeId).map((ics) => icsRow(ics, inRegion)),
        area: true,
      };
    }
    case 'national-lead':
      return { teams, parts: regions.map((region) => regionRow(region, teams)), area: true };
    case 'administrator':
      return null;
  }
}

/** The figures of the viewer's roles whose service has accepted its data sharing agreement. */
export async function homeFigures(
  context: HomeContext,
  assignments: readonly RoleAssignment[],
): Promise<HomeFigures> {
  const today = londonToday(context.clock());
  const period = financialYear(today);
  // The dashboards' "this financial year", so the counts come from the tallies they keep.
  const query: MetricsQuery = { from: period.from, to: period.to, today, employmentStatus: 'all' };
  const [teams, regions, icss] = await Promise.all([
    allTeams(context.database),
    allRegions(context.database),
    allIcss(context.database),
  ]);
  const plans = assignments
    .filter((assignment) => assignment.agreementAccepted)
    .flatMap((assignment) => {
      const plan = planSection(assignment, teams, { regions, icss });
      return plan ? [{ assignment, ...plan }] : [];
    });
  const figuresOf = (tallies: Iterable<MetricsTally>): Record<HomeFigure, number> => {
    const metrics = metricsFromTally(sumTallies(tallies), query);
    return Object.fromEntries(HOME_FIGURES.map((id) => [id, metrics[id]])) as Record<
      HomeFigure,
      number
    >;
  };
  return {
    period,
    query,
    sections: await Promise.all(
      plans.map(async ({ assignment, teams: counted, parts, area }) => {
        // The parts split the section's teams: one count, by part, and the total their sum.
        const partOf = new Map(
          parts.flatMap(({ teams: members }, part) => members.map((team) => [team.id, part])),
        );
        const [byPart] = await countFacts(
          context.database,
          {
            teamIds: counted.map((team) => team.id),
            groupOfTeam: (teamId) => String(partOf.get(teamId) ?? WHOLE),
          },
          [{ query, groupBy: 'teamGroup', detail: 'counts' }],
        );
        return {
          assignment,
          name: assignment.role === 'national-lead' ? 'England' : assignment.scopeName,
          total: figuresOf(byPart?.values() ?? []),
          parts: parts.map(({ name, place }, part) => ({
            name,
            place,
            figures: figuresOf([byPart?.get(String(part)) ?? emptyTally()]),
          })),
          suppressSmallNumbers: area && context.config.suppressSmallNumbers,
        };
      }),
    ),
  };
}
