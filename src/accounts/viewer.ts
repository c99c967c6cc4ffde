import type { Queryable } from '../database/database.ts';
import type { Role, RoleAssignment, ScopeType, Viewer } from '../permissions/permissions.ts';

interface AssignmentRow {
  id: number;
  role: Role;
  teamId: number | null;
  serviceId: number | null;
  icsId: number | null;
  regionId: number | null;
  scopeName: string;
  governingServiceId: number | null;
  dataGovernanceLead: boolean;
  agreementAccepted: boolean;
}

/**
 * The account with its role assignments, each marked with whether the service that governs it
 * (its own, or its team's) has accepted the data sharing agreement in force.
 */
export async function loadViewer(database: Queryable, accountId: number): Promise<Viewer | null> {
  const [account] = await database.query<{ email: string; name: string }>(
    'SELECT email, name FROM account WHERE id = $1',
    [accountId],
  );
  if (account === undefined) return null;
  return { accountId, ...account, assignments: await loadAssignments(database, accountId) };
}

export async function loadAssignments(
  database: Queryable,
  accountId: number,
): Promise<RoleAssignment[]> {
  const rows = await database.query<AssignmentRow>(
    `SELECT ra.id, ra.role, ra.team_id AS "teamId", ra.service_id AS "serviceId",
            ra.ics_id AS "icsId", ra.region_id AS "regionId",
            ra.data_governance_lead AS "dataGovernanceLead",
            coalesce(t.name || ', ' || ts.name, s.name, i.name, r.name, 'England') AS "scopeName",
            coalesce(t.service_id, ra.service_id) AS "governingServiceId",
            coalesce(t.service_id, ra.service_id) IS NULL OR EXISTS (
              SELECT 1 FROM data_sharing_acceptance d
               WHERE d.service_id = coalesce(t.service_id, ra.service_id)
                 AND d.version = (SELECT max(version) FROM agreement_version WHERE kind = 'data-sharing')
            ) AS "agreementAccepted"
       FROM role_assignment ra
       LEFT JOIN team t ON t.id = ra.team_id
       LEFT JOIN service ts ON ts.id = t.service_id
       LEFT JOIN service s ON s.id = ra.service_id
       LEFT JOIN ics i ON i.id = ra.ics_id
       LEFT JOIN region r ON r.id = ra.region_id
      WHERE ra.account_id = $1
      ORDER BY ra.id`,
    [accountId],
  );
  return rows.map((row) => {
    const [scopeType, scopeId] = scopeOf(row);
    return {
      id: row.id,
      role: row.role,
      scopeType,
      scopeId,
      scopeName: row.scopeName,
      serviceId: row.governingServiceId,
      dataGovernanceLead: row.dataGovernanceLead,
      agreementAccepted: row.agreementAccepted,
    };
  });
}

function scopeOf(row: AssignmentRow): [ScopeType, number | null] {
  if (row.teamId !== null) return ['team', row.teamId];
  if (row.serviceId !== null) return ['service', row.serviceId];
  if (row.icsId !== null) return ['ics', row.icsId];
  if (row.regionId !== null) return ['region', row.regionId];
  return ['national', null];
}
