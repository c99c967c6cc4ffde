import { z } from 'zod';
import type { Queryable } from '../database/database.ts';
import { ROLE_SCOPE, ROLES } from '../permissions/permissions.ts';

const optionalId = z
  .string()
  .optional()
  .transform((text) => (text && /^\d{1,9}$/.test(text) ? Number(text) : null));

/** The form that grants a role: the role, then the one organisation its scope needs. */
export const roleAssignmentForm = z
  .object({
    role: z.enum(ROLES, { error: 'Select a role' }),
    teamId: optionalId,
    serviceId: optionalId,
    icsId: optionalId,
    regionId: optionalId,
    dataGovernanceLead: z.literal('yes').optional(),
  })
  .superRefine((form, context) => {
    const field = SCOPE_FIELD[ROLE_SCOPE[form.role]];
    if (field !== null && form[field] === null) {
      context.addIssue({ code: 'custom', path: [field], message: SCOPE_MISSING[field] });
    }
    if (form.dataGovernanceLead && form.role !== 'service-manager') {
      context.addIssue({
        code: 'custom',
        path: ['dataGovernanceLead'],
        message: 'Only a service manager can be the data governance lead',
      });
    }
  });

export type RoleAssignmentRequest = z.infer<typeof roleAssignmentForm>;

const SCOPE_FIELD = {
  team: 'teamId',
  service: 'serviceId',
  ics: 'icsId',
  region: 'regionId',
  national: null,
} as const;

const SCOPE_MISSING = {
  teamId: 'Select the team',
  serviceId: 'Select the service',
  icsId: 'Select the integrated care system',
  regionId: 'Select the region',
} as const;

const SCOPE_TABLE = {
  teamId: 'team',
  serviceId: 'service',
  icsId: 'ics',
  regionId: 'region',
} as const;

/** Adds the assignment; null (and nothing added) if its organisation does not exist. */
export async function assignRole(
  database: Queryable,
  accountId: number,
  request: RoleAssignmentRequest,
): Promise<number | null> {
  const scope = ROLE_SCOPE[request.role];
  const field = SCOPE_FIELD[scope];
  if (field !== null) {
    const found = await database.query(`SELECT 1 FROM ${SCOPE_TABLE[field]} WHERE id = $1`, [
      request[field],
    ]);
    if (found.length === 0) return null;
  }
  const [row] = await database.query<{ id: number }>(
    `INSERT INTO role_assignment (account_id, role, team_id, service_id, ics_id, region_id, data_governance_lead)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      accountId,
      request.role,
      scope === 'team' ? request.teamId : null,
      scope === 'service' ? request.serviceId : null,
      scope === 'ics' ? request.icsId : null,
      scope === 'region' ? request.regionId : null,
      request.role === 'service-manager' && request.dataGovernanceLead === 'yes',
    ],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return row.id;
}
