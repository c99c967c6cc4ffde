import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.ts';
import type { Queryable } from '../../database/database.ts';
import {
  allIcss,
  allServices,
  findService,
  findTeam,
  teamsOfService,
} from '../../organisations/organisations.ts';
import type { Viewer } from '../../permissions/permissions.ts';
import { choiceItems, EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

const serviceForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Enter the name of the service')
    .max(200, 'Name must be 200 characters or fewer'),
});

const teamForm = z.object({
  teamName: z
    .string()
    .trim()
    .min(1, 'Enter the name of the team')
    .max(200, 'Name must be 200 characters or fewer'),
  icsId: z
    .string()
    .regex(/^\d{1,9}$/, 'Select the integrated care system the team works in')
    .transform(Number),
});

/** Unique names (case-insensitive) are enforced by the database; this tells the person kindly. */
async function nameTaken(database: Queryable, sql: string, parameters: Array<string | number>) {
  return (await database.query(sql, parameters)).length > 0;
}

/** Administrators create and edit services, and the teams within them (each with its ICS). */
export function organisationAdminHandlers(services: Services) {
  const { database, clock } = services;
  const actor = (request: FastifyRequest) => (request.viewer as Viewer).accountId;

  async function showServices(reply: FastifyReply, form = EMPTY_FORM) {
    return reply.page('admin/services.njk', {
      title: 'Services and teams',
      width: 'full',
      backHref: '/admin',
      services: await allServices(database),
      form,
    });
  }

  async function showService(
    request: FastifyRequest,
    reply: FastifyReply,
    forms: { service?: FormState; team?: FormState } = {},
  ) {
    const service = await findService(database, idParameter(request.params, 'serviceId'));
    if (service === null) throw notFound();
    const teamForm = forms.team ?? EMPTY_FORM;
    return reply.page('admin/service.njk', {
      title: service.name,
      width: 'full',
      backHref: '/admin/services',
      service,
      teams: await teamsOfService(database, service.id),
      icsItems: await icsItems(teamForm.values.icsId),
      serviceForm: forms.service ?? { ...EMPTY_FORM, values: { name: service.name } },
      form: forms.service ?? teamForm,
      teamForm,
    });
  }

  async function icsItems(selected: unknown) {
    const icss = await allIcss(database);
    return choiceItems(
      [
        { value: '', text: 'Choose…' },
        ...icss.map((ics) => ({ value: String(ics.id), text: `${ics.name} (${ics.regionName})` })),
      ],
      selected,
      'selected',
    );
  }

  async function showTeam(request: FastifyRequest, reply: FastifyReply, form?: FormState) {
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    const shown = form ?? {
      ...EMPTY_FORM,
      values: { teamName: team.name, icsId: String(team.icsId) },
    };
    return reply.page('admin/team.njk', {
      title: `Edit ${team.name}`,
      backHref: `/admin/services/${team.serviceId}`,
      team,
      icsItems: await icsItems(shown.values.icsId),
      form: shown,
    });
  }

  return {
    services: (_request: FastifyRequest, reply: FastifyReply) => showServices(reply),

    async createService(request: FastifyRequest, reply: FastifyReply) {
      const body = request.body as Record<string, unknown>;
      const read = readForm(serviceForm, body);
      if (!read.ok) return showServices(reply.code(400), read.form);
      if (
        await nameTaken(database, 'SELECT 1 FROM service WHERE lower(name) = lower($1)', [
          read.value.name,
        ])
      ) {
        return showServices(
          reply.code(400),
          formWithErrors(body, { name: { text: 'There is already a service with that name' } }),
        );
      }
      const now = clock();
      const serviceId = await database.transaction(async (transaction) => {
        const [row] = await transaction.query<{ id: number }>(
          'INSERT INTO service (name, created_at) VALUES ($1, $2) RETURNING id',
          [read.value.name, now],
        );
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'created service',
          subject: `service ${row?.id}`,
          detail: read.value.name,
        });
        return row?.id;
      });
      return reply.redirect(`/admin/services/${serviceId}`);
    },

    service: (request: FastifyRequest, reply: FastifyReply) => showService(request, reply),

    async renameService(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const body = request.body as Record<string, unknown>;
      const read = readForm(serviceForm, body);
      if (!read.ok) return showService(request, reply.code(400), { service: read.form });
      if (
        await nameTaken(
          database,
          'SELECT 1 FROM service WHERE lower(name) = lower($1) AND id <> $2',
          [read.value.name, serviceId],
        )
      ) {
        return showService(request, reply.code(400), {
          service: formWithErrors(body, {
            name: { text: 'There is already a service with that name' },
          }),
        });
      }
      const now = clock();
      await database.transaction(async (transaction) => {
        const renamed = await transaction.query(
          'UPDATE service SET name = $2 WHERE id = $1 RETURNING 1',
          [serviceId, read.value.name],
        );
        if (renamed.length === 0) throw notFound();
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'renamed service',
          subject: `service ${serviceId}`,
          detail: read.value.name,
        });
      });
      return reply.redirect(`/admin/services/${serviceId}`);
    },

    async createTeam(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const body = request.body as Record<string, unknown>;
      const read = readForm(teamForm, body);
      if (!read.ok) return showService(request, reply.code(400), { team: read.form });
      if (
        await nameTaken(
          database,
          'SELECT 1 FROM team WHERE service_id = $1 AND lower(name) = lower($2)',
          [serviceId, read.value.teamName],
        )
      ) {
        return showService(request, reply.code(400), {
          team: formWithErrors(body, {
            teamName: { text: 'This service already has a team with that name' },
          }),
        });
      }
      const now = clock();
      await database.transaction(async (transaction) => {
        if ((await findService(transaction, serviceId)) === null) throw notFound();
        const ics = await transaction.query('SELECT 1 FROM ics WHERE id = $1', [read.value.icsId]);
        if (ics.length === 0) throw notFound();
        const [row] = await transaction.query<{ id: number }>(
          'INSERT INTO team (service_id, ics_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
          [serviceId, read.value.icsId, read.value.teamName, now],
        );
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'created team',
          subject: `team ${row?.id}`,
          detail: `${read.value.teamName} in service ${serviceId}`,
        });
      });
      return reply.redirect(`/admin/services/${serviceId}`);
    },

    team: (request: FastifyRequest, reply: FastifyReply) => showTeam(request, reply),

    async updateTeam(request: FastifyRequest, reply: FastifyReply) {
      const teamId = idParameter(request.params, 'teamId');
      const team = await findTeam(database, teamId);
      if (team === null) throw notFound();
      const body = request.body as Record<string, unknown>;
      const read = readForm(teamForm, body);
      if (!read.ok) return showTeam(request, reply.code(400), read.form);
      if (
        await nameTaken(
          database,
          'SELECT 1 FROM team WHERE service_id = $1 AND lower(name) = lower($2) AND id <> $3',
          [team.serviceId, read.value.teamName, teamId],
        )
      ) {
        return showTeam(
          request,
          reply.code(400),
          formWithErrors(body, {
            teamName: { text: 'This service already has a team with that name' },
          }),
        );
      }
      const now = clock();
      await database.transaction(async (transaction) => {
        const ics = await transaction.query('SELECT 1 FROM ics WHERE id = $1', [read.value.icsId]);
        if (ics.length === 0) throw notFound();
        await transaction.query('UPDATE team SET name = $2, ics_id = $3 WHERE id = $1', [
          teamId,
          read.value.teamName,
          read.value.icsId,
        ]);
        await recordAudit(transaction, now, {
          actorAccountId: actor(request),
          action: 'changed team',
          subject: `team ${teamId}`,
          detail: `${read.value.teamName}, ICS ${read.value.icsId}`,
        });
      });
      return reply.redirect(`/admin/services/${team.serviceId}`);
    },
  };
}
