import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { shownCount } from '../../dashboards/dashboard.ts';
import {
  HOME_FIGURES,
  type HomePlace,
  type HomeRow,
  type HomeSection,
  homeFigures,
} from '../../dashboards/home-figures.ts';
import { asAtDate } from '../../metrics/compute.ts';
import { METRIC_BY_ID } from '../../metrics/definitions.ts';
import { changeSpecialist } from '../../organisations/organisation-changes.ts';
import {
  type Area,
  findIcs,
  findRegion,
  findService,
  findTeam,
  NATIONAL_AREA,
  servicePlace,
  servicesInArea,
  specialistsOfTeam,
  teamPlace,
  teamsOfService,
} from '../../organisations/organisations.ts';
import {
  canAdminister,
  canSetServiceReferralSources,
  canSetServiceTargets,
  canSetTargetsForTeam,
  canSubmitReturn,
  canUploadForTeam,
  canViewArea,
  canViewService,
  canViewServiceSummary,
  canViewSpecialists,
  canViewTeam,
  ROLE_NAMES,
  type Role,
  type RoleAssignment,
  type ServicePlace,
  type TeamPlace,
  type Viewer,
} from '../../permissions/permissions.ts';
import { figuresTableHtml } from '../dashboards/figures-table.ts';
import { EMPTY_FORM, type FormState, readForm } from '../forms.ts';
import { databaseId, forbidden, idParameter, notFound, routeParameters } from '../http-errors.ts';
import type { Services } from '../services.ts';

const specialistForm = z.object({
  displayName: z.string().trim().max(100, 'Name must be 100 characters or fewer'),
  hasLeft: z.literal('yes').optional(),
});

/** The gate for /teams/:teamId groups: the team exists and the predicate allows this viewer. */
export function requireTeam(
  services: Services,
  predicate: (viewer: Viewer, team: TeamPlace) => boolean,
) {
  return async (request: FastifyRequest) => {
    const team = await findTeam(services.database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    if (request.viewer === null || !predicate(request.viewer, teamPlace(team))) throw forbidden();
  };
}

export function requireService(
  services: Services,
  predicate: (viewer: Viewer, service: ServicePlace) => boolean,
) {
  return async (request: FastifyRequest) => {
    const serviceId = idParameter(request.params, 'serviceId');
    if ((await findService(services.database, serviceId)) === null) throw notFound();
    const place = await servicePlace(services.database, serviceId);
    if (request.viewer === null || !predicate(request.viewer, place)) throw forbidden();
  };
}

const areaParameters = z.object({
  regionId: databaseId.optional(),
  icsId: databaseId.optional(),
});

/** The area a URL names: /areas/england, /areas/regions/:regionId, /areas/icss/:icsId. */
export async function areaOf(services: Services, request: FastifyRequest): Promise<Area> {
  const { regionId, icsId } = routeParameters(areaParameters, request.params);
  const area =
    regionId !== undefined
      ? await findRegion(services.database, regionId)
      : icsId !== undefined
        ? await findIcs(services.database, icsId)
        : NATIONAL_AREA;
  if (area === null) throw notFound();
  return area;
}

export function requireArea(services: Services) {
  return async (request: FastifyRequest) => {
    const area = await areaOf(services, request);
    if (request.viewer === null || !canViewArea(request.viewer, area.place)) throw forbidden();
  };
}

function areaPath(assignmentScope: { scopeType: string; scopeId: number | null }) {
  switch (assignmentScope.scopeType) {
    case 'region':
      return `/areas/regions/${assignmentScope.scopeId}`;
    case 'ics':
      return `/areas/icss/${assignmentScope.scopeId}`;
    default:
      return '/areas/england';
  }
}

/** Where each of the viewer's roles takes them. */
function destinationOf(assignment: RoleAssignment) {
  const role = ROLE_NAMES[assignment.role];
  switch (assignment.role) {
    case 'team-leader':
      return { role, name: assignment.scopeName, href: `/teams/${assignment.scopeId}/dashboard` };
    case 'service-manager':
    case 'commissioner':
      return {
        role,
        name: assignment.scopeName,
        href: `/services/${assignment.scopeId}/dashboard`,
      };
    case 'administrator':
      return { role, name: 'Administration', href: '/admin' };
    default:
      return { role, name: assignment.scopeName, href: `${areaPath(assignment)}/dashboard` };
  }
}

/** A row's dashboard, for a viewer allowed to open it. */
function dashboardOf(viewer: Viewer, place: HomePlace): string | null {
  switch (place.kind) {
    case 'team':
      return canViewTeam(viewer, place.team) ? `/teams/${place.team.teamId}/dashboard` : null;
    case 'service':
      return canViewServiceSummary(viewer, place.service)
        ? `/services/${place.service.serviceId}/dashboard`
        : null;
    case 'area': {
      const { area } = place;
      if (!canViewArea(viewer, area)) return null;
      const scopeId =
        area.type === 'region' ? area.regionId : area.type === 'ics' ? area.icsId : null;
      return `${areaPath({ scopeType: area.type, scopeId })}/dashboard`;
    }
  }
}

const PART_NAMES: Readonly<Record<Role, string | null>> = {
  'team-leader': null,
  'service-manager': 'Team',
  commissioner: 'Team',
  'ics-lead': 'Service',
  'regional-lead': 'ICS',
  'national-lead': 'Region',
  administrator: null,
};

/** Each scope's figures as a table: the scope first, then its parts, each linked where allowed. */
function homeSection(viewer: Viewer, section: HomeSection, index: number, periodLabel: string) {
  const { assignment, total, parts, suppressSmallNumbers } = section;
  const cells = (figures: HomeRow['figures']) =>
    HOME_FIGURES.map((id) => ({
      metric: id,
      value: figures[id],
      text: shownCount(figures[id], suppressSmallNumbers),
    }));
  const partName = PART_NAMES[assignment.role] ?? 'Team';
  return {
    ...destinationOf(assignment),
    name: section.name,
    suppressSmallNumbers,
    tableHtml: figuresTableHtml(
      {
        head: [partName, ...HOME_FIGURES.map((id) => METRIC_BY_ID.get(id)?.name ?? id)],
        // A team has no parts: its one row is the team.
        rows:
          parts.length === 0
            ? [{ name: section.name, href: null, cells: cells(total) }]
            : [
                { name: `All of ${section.name}`, href: null, cells: cells(total) },
                ...parts.map((row) => ({
                  name: row.name,
                  href: dashboardOf(viewer, row.place),
                  cells: cells(row.figures),
                })),
              ],
      },
      `home-${index + 1}`,
      `${section.name}: ${periodLabel} so far`,
    ),
  };
}

export function organisationHandlers(services: Services) {
  const { database } = services;

  async function showTeam(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState = EMPTY_FORM,
  ) {
    const viewer = request.viewer as Viewer;
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    const place = teamPlace(team);
    const specialists = canViewSpecialists(viewer, place)
      ? await specialistsOfTeam(database, team.id)
      : null;
    return reply.page('organisations/team.njk', {
      title: team.name,
      width: 'full',
      team,
      specialists,
      canViewService: canViewServiceSummary(viewer, await servicePlace(database, team.serviceId)),
      canUpload: canUploadForTeam(viewer, place),
      canSetTargets: canSetTargetsForTeam(viewer, place),
      form,
    });
  }

  return {
    async home(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const accepted = viewer.assignments.filter((assignment) => assignment.agreementAccepted);
      const figures = await homeFigures(services, viewer.assignments);
      return reply.page('organisations/home.njk', {
        title: 'Home',
        width: 'full',
        period: figures.period,
        asAt: asAtDate(figures.query),
        sections: figures.sections.map((section, index) =>
          homeSection(viewer, section, index, figures.period.label),
        ),
        // Roles without figures of their own (the administrator's) are links only.
        destinations: accepted
          .filter((assignment) => assignment.role === 'administrator')
          .map(destinationOf),
        isAdministrator: canAdminister(viewer),
        canUpload: accepted.some((assignment) => assignment.role === 'team-leader'),
      });
    },

    team: (request: FastifyRequest, reply: FastifyReply) => showTeam(request, reply),

    async specialist(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const teamId = idParameter(request.params, 'teamId');
      const specialistId = idParameter(request.params, 'specialistId');
      const read = readForm(specialistForm, request.body);
      if (!read.ok) return showTeam(request, reply.code(400), read.form);
      const changed = await changeSpecialist(
        services,
        teamId,
        specialistId,
        { displayName: read.value.displayName, hasLeft: read.value.hasLeft === 'yes' },
        viewer.accountId,
      );
      if (!changed) throw notFound();
      return reply.redirect(`/teams/${teamId}#specialists`);
    },

    async service(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const service = await findService(database, idParameter(request.params, 'serviceId'));
      if (service === null) throw notFound();
      const teams = await teamsOfService(database, service.id);
      const place = await servicePlace(database, service.id);
      return reply.page('organisations/service.njk', {
        title: service.name,
        width: 'full',
        service,
        // Team-level detail is for those the table allows; a commissioner sees the summary only.
        teams: teams.map((team) => ({
          ...team,
          href: canViewTeam(viewer, teamPlace(team)) ? `/teams/${team.id}` : null,
        })),
        fullView: canViewService(viewer, place),
        canSetServiceTargets: canSetServiceTargets(viewer, place),
        canSetServiceReferralSources: canSetServiceReferralSources(viewer, place),
        canSubmitReturn: canSubmitReturn(viewer, place),
      });
    },

    async area(request: FastifyRequest, reply: FastifyReply) {
      const area = await areaOf(services, request);
      return reply.page('organisations/area.njk', {
        title: area.name,
        width: 'full',
        area,
        services: await servicesInArea(database, area.place),
      });
    },
  };
}
