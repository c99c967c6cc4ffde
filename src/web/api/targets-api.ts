import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../calendar/london-today.ts';
import { derivedRecords } from '../../dashboards/scope-records.ts';
import { TARGET_MEASURES, targetProgress } from '../../metrics/targets.ts';
import { findTeam, type Team, teamPlace } from '../../organisations/organisations.ts';
import {
  canSetTargetsForTeam,
  canViewTeam,
  type TeamPlace,
  type Viewer,
} from '../../permissions/permissions.ts';
import { ownTargets, saveTarget } from '../../targets/target-store.ts';
import { forbidden, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { id, isoDate, refuseInvalid } from './api-parameters.ts';

const year = z.coerce
  .number()
  .int('must be a whole year')
  .min(2000, 'must be from 2000')
  .max(2100, 'must be by 2100');

const targetsQuery = z.object({ team: id, year, today: isoDate.optional() });

const targetBody = z.object({
  team: z.number().int().positive('must be an id'),
  year,
  measure: z.enum(TARGET_MEASURES, { error: `must be one of ${TARGET_MEASURES.join(', ')}` }),
  // null clears the target.
  target: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    // As on the web form: six digits, what the target history holds.
    .max(999_999, 'must be at most 999999')
    .nullable(),
});

/**
 * `GET /api/v1/targets`: each measure's target, actual, expected to date and status for a team's
 * financial year; `PUT /api/v1/targets`: a team leader sets one.
 */
export function targetsApiHandlers(services: Services) {
  const { database, clock } = services;

  async function teamAllowed(
    viewer: Viewer,
    teamId: number,
    allowed: (viewer: Viewer, team: TeamPlace) => boolean,
  ): Promise<Team> {
    const team = await findTeam(database, teamId);
    if (team === null) throw notFound();
    if (!allowed(viewer, teamPlace(team))) throw forbidden();
    return team;
  }

  return {
    async progress(request: FastifyRequest, reply: FastifyReply) {
      const read = targetsQuery.safeParse(request.query ?? {});
      if (!read.success) return refuseInvalid(reply, read.error);
      const query = read.data;
      const team = await teamAllowed(request.viewer as Viewer, query.team, canViewTeam);
      const progress = targetProgress(
        await derivedRecords(database, [team.id]),
        query.year,
        query.today ?? londonToday(clock()),
        await ownTargets(database, { type: 'team', id: team.id }, query.year),
      );
      return progress.measures;
    },

    async set(request: FastifyRequest, reply: FastifyReply) {
      const read = targetBody.safeParse(request.body ?? {});
      if (!read.success) return refuseInvalid(reply, read.error, 'body');
      const edit = read.data;
      const viewer = request.viewer as Viewer;
      await teamAllowed(viewer, edit.team, canSetTargetsForTeam);
      await saveTarget(database, {
        scope: { type: 'team', id: edit.team },
        year: edit.year,
        measure: edit.measure,
        target: edit.target,
        accountId: viewer.accountId,
        at: clock(),
      });
      return edit;
    },
  };
}
