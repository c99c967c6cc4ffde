import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../calendar/london-today.ts';
import { publishedMetrics, teamsMetrics } from '../../dashboards/dashboard.ts';
import { QUALITY_GUIDANCE } from '../../metrics/guidance.ts';
import {
  allTeams,
  findIcs,
  findRegion,
  findService,
  findTeam,
  servicePlace,
  teamPlace,
  teamsOfService,
} from '../../organisations/organisations.ts';
import {
  canViewArea,
  canViewServiceSummary,
  canViewSpecialists,
  canViewTeam,
  type Viewer,
} from '../../permissions/permissions.ts';
import { forbidden, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { id, isoDate, refuseInvalid } from './api-parameters.ts';

const metricsQuery = z
  .object({
    from: isoDate,
    to: isoDate,
    today: isoDate.optional(),
    employmentStatus: z.enum(['all', 'out-of-work', 'in-work']).default('all'),
    team: id.optional(),
    service: id.optional(),
    ics: id.optional(),
    region: id.optional(),
  })
  .refine((query) => query.from <= query.to, { path: ['to'], message: 'must not be before from' })
  .refine(
    (query) =>
      [query.team, query.service, query.ics, query.region].filter((each) => each !== undefined)
        .length <= 1,
    {
      path: ['team'],
      message: 'name at most one of team, service, ics and region',
    },
  );

const idOf = (team: { id: number }) => team.id;

/**
 * `GET /api/v1/metrics`: docs/METRICS.md's machine-readable object for one team, service, ICS, region
 * or (with none named) England, if the caller may see it.
 */
export function metricsApiHandlers(services: Services) {
  const { database, clock, config } = services;

  /**
   * The teams whose records count, once the caller is allowed to see them; whether the caller may
   * see each specialist's caseload (a team's own leader); and whether the scope is an area, whose
   * published counts follow the small-number rule as its dashboard does.
   */
  async function scopeOf(
    viewer: Viewer,
    query: z.infer<typeof metricsQuery>,
  ): Promise<{ teamIds: number[]; bySpecialist: boolean; isArea: boolean }> {
    const inside = { bySpecialist: false, isArea: false };
    if (query.team !== undefined) {
      const team = await findTeam(database, query.team);
      if (team === null) throw notFound();
      if (!canViewTeam(viewer, teamPlace(team))) throw forbidden();
      return {
        teamIds: [team.id],
        bySpecialist: canViewSpecialists(viewer, teamPlace(team)),
        isArea: false,
      };
    }
    if (query.service !== undefined) {
      if ((await findService(database, query.service)) === null) throw notFound();
      if (!canViewServiceSummary(viewer, await servicePlace(database, query.service)))
        throw forbidden();
      const teams = await teamsOfService(database, query.service);
      return { ...inside, teamIds: teams.map((team) => team.id) };
    }
    const teams = await allTeams(database);
    const area = { ...inside, isArea: true };
    if (query.ics !== undefined) {
      const ics = await findIcs(database, query.ics);
      if (ics === null) throw notFound();
      if (!canViewArea(viewer, ics.place)) throw forbidden();
      return { ...area, teamIds: teams.filter((team) => team.icsId === query.ics).map(idOf) };
    }
    if (query.region !== undefined) {
      const region = await findRegion(database, query.region);
      if (region === null) throw notFound();
      if (!canViewArea(viewer, region.place)) throw forbidden();
      return {
        ...area,
        teamIds: teams.filter((team) => team.regionId === query.region).map(idOf),
      };
    }
    if (!canViewArea(viewer, { type: 'national' })) throw forbidden();
    return { ...area, teamIds: teams.map(idOf) };
  }

  return {
    async metrics(request: FastifyRequest, reply: FastifyReply) {
      const read = metricsQuery.safeParse(request.query ?? {});
      if (!read.success) {
        return refuseInvalid(reply, read.error);
      }
      const query = read.data;
      const scope = await scopeOf(request.viewer as Viewer, query);
      const [metrics] = await teamsMetrics(database, scope, [
        {
          from: query.from,
          to: query.to,
          today: query.today ?? londonToday(clock()),
          employmentStatus: query.employmentStatus,
        },
      ]);
      if (metrics === undefined) throw new Error('no figures for the scope');
      return {
        ...publishedMetrics(metrics, {
          // ES-level detail is for the team's own leader (docs/DESIGN.md's roles table).
          bySpecialist: scope.bySpecialist,
          suppressSmallNumbers: scope.isArea && config.suppressSmallNumbers,
        }),
        // What each quality indicator is read against, as the dashboards write beside it.
        guidance: QUALITY_GUIDANCE,
      };
    },
  };
}
