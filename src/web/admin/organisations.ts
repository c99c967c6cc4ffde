import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  changeTeam,
  createService,
  createTeam,
  renameService,
} from '../../organisations/organisation-changes.ts';
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

const SERVICE_NAME_TAKEN = { name: { text: 'There is already a service with that name' } };
const TEAM_NAME_TAKEN = { teamName: { text: 'This service already has a team with that name' } };

/** Administrators create and edit services, and the teams within them (each with its ICS). */
export function organisationAdminHandlers(services: Services) {
  const { database } = services;
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
      const read = readForm(serviceForm, request.body);
      if (!read.ok) return showServices(reply.code(400), read.form);
      const created = await createService(services, read.value.name, actor(request));
      if (created.kind === 'name-taken') {
        return showServices(reply.code(400), formWithErrors(request.body, SERVICE_NAME_TAKEN));
      }
      return reply.redirect(`/admin/services/${created.serviceId}`);
    },

    service: (request: FastifyRequest, reply: FastifyReply) => showService(request, reply),

    async renameService(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const read = readForm(serviceForm, request.body);
      if (!read.ok) return showService(request, reply.code(400), { service: read.form });
      const renamed = await renameService(services, serviceId, read.value.name, actor(request));
      if (renamed.kind === 'name-taken') {
        return showService(request, reply.code(400), {
          service: formWithErrors(request.body, SERVICE_NAME_TAKEN),
        });
      }
      if (renamed.kind === 'not-found') throw notFound();
      return reply.redirect(`/admin/services/${serviceId}`);
    },

    async createTeam(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const read = readForm(teamForm, request.body);
      if (!read.ok) return showService(request, reply.code(400), { team: read.form });
      const created = await createTeam(services, serviceId, read.value, actor(request));
      if (created.kind === 'name-taken') {
        return showService(request, reply.code(400), {
          team: formWithErrors(request.body, TEAM_NAME_TAKEN),
        });
      }
      if (created.kind === 'not-found') throw notFound();
      return reply.redirect(`/admin/services/${serviceId}`);
    },

    team: (request: FastifyRequest, reply: FastifyReply) => showTeam(request, reply),

    async updateTeam(request: FastifyRequest, reply: FastifyReply) {
      const teamId = idParameter(request.params, 'teamId');
      const read = readForm(teamForm, request.body);
      if (!read.ok) return showTeam(request, reply.code(400), read.form);
      const changed = await changeTeam(services, teamId, read.value, actor(request));
      if (changed.kind === 'name-taken') {
        return showTeam(request, reply.code(400), formWithErrors(request.body, TEAM_NAME_TAKEN));
      }
      if (changed.kind === 'not-found') throw notFound();
      return reply.redirect(`/admin/services/${changed.serviceId}`);
    },
  };
}
