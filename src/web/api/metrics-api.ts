import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../calendar/london-today.ts';
import { teamsMetrics } from '../../dashboards/dashboard.ts';
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

/**
 * `GET /api/v1/metrics`: METRICS.md's machine-readable object for one team, service, ICS, region
 * or (with none named) England, if the caller may see it.
 */
export function metricsApiHandlers(services: Services) {
  const { database, clock, teamTallies } = services;

  /** The teams whose records count, once the caller is allowed to see them. */
  async function teamsInScope(
    viewer: Viewer,
    query: z.infer<typeof metricsQuery>,
  ): Promise<number[]> {
    if (query.team !== undefined) {
      const team = await findTeam(database, query.team);
      if (team === null) throw notFound();
      if (!canViewTeam(viewer, teamPlace(team))) throw forbidden();
      return [team.id];
    }
    if (query.service !== undefined) {
      if ((await findService(database, query.service)) === null) throw notFound();
      if (!canViewServiceSummary(viewer, await servicePlace(database, query.service)))
        throw forbidden();
      return (await teamsOfService(database, query.service)).map((team) => team.id);
    }
    const teams = await allTeams(database);
    if (query.ics !== undefined) {
      const ics = await findIcs(database, query.ics);
      if (ics === null) throw notFound();
      if (!canViewArea(viewer, ics.place)) throw forbidden();
      return teams.filter((team) => team.icsId === query.ics).map((team) => team.id);
    }
    if (query.region !== undefined) {
      const region = await findRegion(database, query.region);
      if (region === null) throw notFound();
      if (!canViewArea(viewer, region.place)) throw forbidden();
      return teams.filter((team) => team.regionId === query.region).map((team) => team.id);
    }
    if (!canViewArea(viewer, { type: 'national' })) throw forbidden();
    return teams.map((team) => team.id);
  }

  return {
    async metrics(request: FastifyRequest, reply: FastifyReply) {
      const read = metricsQuery.safeParse(request.query ?? {});
      if (!read.success) {
        return refuseInvalid(reply, read.error);
      }
      const query = read.data;
      const teamIds = await teamsInScope(request.viewer as Viewer, query);
      const [metrics] = await teamsMetrics(teamTallies, teamIds, [
        {
          query: {
            from: query.from,
            to: query.to,
            today: query.today ?? londonToday(clock()),
            employmentStatus: query.employmentStatus,
          },
          grouping: 'all',
        },
      ]);
      return metrics;
    },
  };
}
