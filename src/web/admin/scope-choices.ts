import type { Queryable } from '../../database/database.ts';
import { allIcss, allRegions, allServices, allTeams } from '../../organisations/organisations.ts';
import { ROLE_NAMES, ROLES } from '../../permissions/permissions.ts';
import { choiceItems, type FormState } from '../forms.ts';

/** The choices of the role-assignment form (role, then its team, service, ICS or region). */
export async function roleAssignmentChoices(database: Queryable, form: FormState) {
  const placeholder = { value: '', text: 'Choose…' };
  const [teams, services, icss, regions] = await Promise.all([
    allTeams(database),
    allServices(database),
    allIcss(database),
    allRegions(database),
  ]);
  return {
    roles: choiceItems(
      ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role] })),
      form.values.role,
    ),
    teams: choiceItems(
      [
        placeholder,
        ...teams.map((team) => ({
          value: String(team.id),
          text: `${team.name}, ${team.serviceName}`,
        })),
      ],
      form.values.teamId,
      'selected',
    ),
    services: choiceItems(
      [
        placeholder,
        ...services.map((service) => ({ value: String(service.id), text: service.name })),
      ],
      form.values.serviceId,
      'selected',
    ),
    icss: choiceItems(
      [
        placeholder,
        ...icss.map((ics) => ({ value: String(ics.id), text: `${ics.name} (${ics.regionName})` })),
      ],
      form.values.icsId,
      'selected',
    ),
    regions: choiceItems(
      [placeholder, ...regions.map((region) => ({ value: String(region.id), text: region.name }))],
      form.values.regionId,
      'selected',
    ),
  };
}
