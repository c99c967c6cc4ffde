import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { financialYearStart } from '../../calendar/calendar-date.ts';
import { londonToday } from '../../calendar/london-today.ts';
import { formatDateTime } from '../../calendar/nhs-dates.ts';
import { financialYearLabel } from '../../metrics/breakdowns.ts';
import { METRIC_BY_ID } from '../../metrics/definitions.ts';
import {
  financialYearFrom,
  financialYearTo,
  IPS_GROW_PER_WTE,
  suggestedTargets,
  TARGET_MEASURES,
  type TargetMeasure,
} from '../../metrics/targets.ts';
import { findService, findTeam, teamsOfService } from '../../organisations/organisations.ts';
import {
  ownTargets,
  saveServiceTargets,
  saveTeamTargets,
  type TargetScope,
  TEAM_SIZE,
  targetHistory,
  targetsOfTeams,
  teamSize,
} from '../../targets/target-store.ts';
import { EMPTY_FORM, type FormState, readForm } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

/**
 * Setting annual targets: team leaders for their teams (with the team's size and the IPS Grow
 * suggestions), service managers a service's own target where it should differ from its teams' sum.
 */

const measureName = (measure: string) =>
  measure === TEAM_SIZE
    ? 'Employment specialists (WTE)'
    : (METRIC_BY_ID.get(measure as TargetMeasure)?.name ?? measure);

/** A blank box clears the target; anything else must be a whole number. */
const targetField = z
  .string()
  .trim()
  .regex(/^\d{0,6}$/, 'Enter the target as a whole number, like 40, or leave it blank')
  .transform((text) => (text === '' ? null : Number(text)));

const targetFields = Object.fromEntries(
  TARGET_MEASURES.map((measure) => [measure, targetField]),
) as Record<TargetMeasure, typeof targetField>;

const teamTargetForm = z.object({
  specialistsWte: z
    .string()
    .trim()
    .regex(
      /^(\d{1,3}(\.\d{1,2})?)?$/,
      'Enter the employment specialists in whole-time equivalents, like 2.5, or leave it blank',
    )
    .transform((text) => (text === '' ? null : Number(text))),
  ...targetFields,
});
const serviceTargetForm = z.object(targetFields);

/** The years offered: the next, this one and three back (a team plans ahead). */
function yearChoices(today: string): readonly [number, number, number, number, number] {
  const current = Number(financialYearStart(today).slice(0, 4));
  return [current + 1, current, current - 1, current - 2, current - 3];
}

/** A year the page asks for (in the link, or posted with the form); any other is none. */
const yearField = z.coerce.number().optional().catch(undefined);

const targetsQuery = z
  .object({ year: yearField, saved: z.string().optional().catch(undefined) })
  .catch({});
const postedYearField = z.object({ year: yearField }).catch({});

/** The year a targets page shows: the one its link asks for when offered, else this one. */
function chosenYear(request: FastifyRequest, today: string): number {
  const { year } = targetsQuery.parse(request.query ?? {});
  const choices = yearChoices(today);
  return year !== undefined && choices.includes(year) ? year : choices[1];
}

export function targetHandlers(services: Services) {
  const { database, clock } = services;

  const progressHref = (path: string, year: number) =>
    `${path}?${new URLSearchParams({
      view: 'targets',
      period: 'custom',
      from: financialYearFrom(year),
      to: financialYearTo(year),
    })}`;

  /** The year shown, and the choice of years, for either form. */
  const yearFields = (year: number) => ({
    year,
    yearName: financialYearLabel(year),
    yearItems: yearChoices(londonToday(clock())).map((value) => ({
      value,
      text: financialYearLabel(value),
      selected: value === year,
    })),
  });

  async function history(scope: TargetScope, year: number) {
    return (await targetHistory(database, scope, year)).map((change) => ({
      when: formatDateTime(change.changedAt),
      who: change.actorEmail ?? 'A removed account',
      what: measureName(change.measure),
      from: change.oldValue ?? 'Not set',
      to: change.newValue ?? 'Not set',
    }));
  }

  async function showTeam(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState = EMPTY_FORM,
    year = chosenYear(request, londonToday(clock())),
  ) {
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    const scope = { type: 'team', id: team.id } as const;
    const targets = await ownTargets(database, scope, year);
    const wte = await teamSize(database, [team.id], year);
    const saved = targetsQuery.parse(request.query ?? {}).saved === '1';
    return reply.page('targets/team-targets.njk', {
      title: `Targets for ${team.name}, ${financialYearLabel(year)}`,
      team,
      ...yearFields(year),
      form:
        form === EMPTY_FORM
          ? {
              ...EMPTY_FORM,
              values: {
                specialistsWte: wte ?? '',
                ...Object.fromEntries(targets),
              },
            }
          : form,
      measures: TARGET_MEASURES.map((measure) => ({ measure, name: measureName(measure) })),
      suggestions: {
        wte: wte ?? 1,
        recorded: wte !== null,
        perWte: IPS_GROW_PER_WTE,
        firstYear: suggestedTargets(wte ?? 1, 'firstYear'),
        laterYears: suggestedTargets(wte ?? 1, 'laterYears'),
      },
      history: await history(scope, year),
      progressHref: progressHref(`/teams/${team.id}/dashboard`, year),
      notice: saved ? `Targets for ${financialYearLabel(year)} saved` : undefined,
    });
  }

  async function showService(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState = EMPTY_FORM,
    year = chosenYear(request, londonToday(clock())),
  ) {
    const service = await findService(database, idParameter(request.params, 'serviceId'));
    if (service === null) throw notFound();
    const teams = await teamsOfService(database, service.id);
    const scope = { type: 'service', id: service.id } as const;
    const own = await ownTargets(database, scope, year);
    const teamTargets = new Map(
      await Promise.all(
        teams.map(
          async (team) =>
            [team.id, await ownTargets(database, { type: 'team', id: team.id }, year)] as const,
        ),
      ),
    );
    const teamSum = (measure: TargetMeasure) => {
      const set = teams.flatMap((team) => {
        const target = teamTargets.get(team.id)?.get(measure);
        return target === undefined ? [] : [target];
      });
      return set.length === 0 ? null : set.reduce((sum, target) => sum + target, 0);
    };
    const inForce = await targetsOfTeams(
      database,
      teams.map((team) => team.id),
      year,
    );
    const saved = targetsQuery.parse(request.query ?? {}).saved === '1';
    return reply.page('targets/service-targets.njk', {
      title: `Targets for ${service.name}, ${financialYearLabel(year)}`,
      service,
      ...yearFields(year),
      form: form === EMPTY_FORM ? { ...EMPTY_FORM, values: Object.fromEntries(own) } : form,
      measures: TARGET_MEASURES.map((measure) => ({
        measure,
        name: measureName(measure),
        teamSum: teamSum(measure),
        inForce: inForce.get(measure) ?? null,
      })),
      history: await history(scope, year),
      progressHref: progressHref(`/services/${service.id}/dashboard`, year),
      notice: saved ? `Service targets for ${financialYearLabel(year)} saved` : undefined,
    });
  }

  function postedYear(request: FastifyRequest): number | null {
    const { year } = postedYearField.parse(request.body ?? {});
    return year !== undefined && yearChoices(londonToday(clock())).includes(year) ? year : null;
  }

  return {
    showTeam: (request: FastifyRequest, reply: FastifyReply) => showTeam(request, reply),
    showService: (request: FastifyRequest, reply: FastifyReply) => showService(request, reply),

    async saveTeam(request: FastifyRequest, reply: FastifyReply) {
      const teamId = idParameter(request.params, 'teamId');
      const year = postedYear(request);
      if (year === null) throw notFound();
      const read = readForm(teamTargetForm, request.body);
      if (!read.ok) return showTeam(request, reply.code(400), read.form, year);
      await saveTeamTargets(database, {
        teamId,
        year,
        specialistsWte: read.value.specialistsWte,
        targets: read.value,
        accountId: request.viewer?.accountId ?? 0,
        at: clock(),
      });
      return reply.redirect(`/teams/${teamId}/targets?year=${year}&saved=1`);
    },

    async saveService(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const year = postedYear(request);
      if (year === null) throw notFound();
      const read = readForm(serviceTargetForm, request.body);
      if (!read.ok) return showService(request, reply.code(400), read.form, year);
      await saveServiceTargets(database, {
        serviceId,
        year,
        targets: read.value,
        accountId: request.viewer?.accountId ?? 0,
        at: clock(),
      });
      return reply.redirect(`/services/${serviceId}/targets?year=${year}&saved=1`);
    },
  };
}
