/**
 * Who may do what, by scope: docs/DESIGN.md's roles table as data, and named predicates that read it.
 * Every route group asks one of these on the server; hiding a link is never the control.
 */

export const ROLES = [
  'team-leader',
  'service-manager',
  'commissioner',
  'ics-lead',
  'regional-lead',
  'national-lead',
  'administrator',
] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Readonly<Record<Role, string>> = {
  'team-leader': 'Team leader',
  'service-manager': 'Service manager',
  commissioner: 'Commissioner or stakeholder',
  'ics-lead': 'ICS lead',
  'regional-lead': 'Regional lead',
  'national-lead': 'National lead',
  administrator: 'Administrator',
};

export type ScopeType = 'team' | 'service' | 'ics' | 'region' | 'national';

/** The one kind of organisation each role is assigned to. */
export const ROLE_SCOPE: Readonly<Record<Role, ScopeType>> = {
  'team-leader': 'team',
  'service-manager': 'service',
  commissioner: 'service',
  'ics-lead': 'ics',
  'regional-lead': 'region',
  'national-lead': 'national',
  administrator: 'national',
};

export interface RoleAssignment {
  readonly id: number;
  readonly role: Role;
  readonly scopeType: ScopeType;
  /** The team, service, ICS or region id; null for national. */
  readonly scopeId: number | null;
  readonly scopeName: string;
  /** For a team or service scope: the service whose data sharing agreement governs it. */
  readonly serviceId: number | null;
  readonly dataGovernanceLead: boolean;
  /** False while the governing service has not accepted its data sharing agreement. */
  readonly agreementAccepted: boolean;
}

export interface Viewer {
  readonly accountId: number;
  readonly email: string;
  readonly name: string;
  readonly assignments: readonly RoleAssignment[];
}

/** Where a team sits in the tree. */
export interface TeamPlace {
  readonly teamId: number;
  readonly serviceId: number;
  readonly icsId: number;
  readonly regionId: number;
}

/** Where a service sits: the ICSs and regions of its teams (a service may span ICSs). */
export interface ServicePlace {
  readonly serviceId: number;
  readonly icsIds: readonly number[];
  readonly regionIds: readonly number[];
}

export type AreaPlace =
  | { readonly type: 'ics'; readonly icsId: number; readonly regionId: number }
  | { readonly type: 'region'; readonly regionId: number }
  | { readonly type: 'national' };

/**
 * How far a role's ✓ reaches for one row of the table: its own teams, its own service, the
 * services in its area, its own area, or everywhere the role exists at all.
 */
export type Reach =
  | 'own teams'
  | 'own service'
  | 'own service, if named data governance lead'
  | 'summary of own service'
  | 'services in area'
  | 'submitted, in area'
  | 'own area'
  | 'yes';

export const CAPABILITIES = [
  'upload data, roll back',
  'set team targets',
  'set service targets',
  'set service referral sources',
  'record fidelity reviews',
  'see ES-level detail',
  'see team-level detail',
  'see service-level figures',
  'regional / national views',
  'record-level drill-through',
  'quarterly return: edit and submit',
  'quarterly return: view',
  'set quarterly return deadlines',
  'accept data sharing agreement',
  'export what they can see',
  'manage organisations, users, roles, help pages',
  'help and resources',
] as const;
export type Capability = (typeof CAPABILITIES)[number];

const AREA_LEADS = { 'ics-lead': true, 'regional-lead': true, 'national-lead': true } as const;
function forAreaLeads(reach: Reach): Partial<Record<Role, Reach>> {
  return Object.fromEntries(Object.keys(AREA_LEADS).map((role) => [role, reach]));
}

/** docs/DESIGN.md's table, row by row; a role missing from a row has a dash there. */
export const PERMISSION_TABLE: Readonly<Record<Capability, Partial<Record<Role, Reach>>>> = {
  'upload data, roll back': { 'team-leader': 'own teams' },
  'set team targets': { 'team-leader': 'own teams' },
  // Issue 5, beyond docs/DESIGN.md's table: a service's own target, and its IPS fidelity reviews.
  'set service targets': { 'service-manager': 'own service' },
  // Issue 20: a service's own referral sources, which its uploads are read against.
  'set service referral sources': { 'service-manager': 'own service', administrator: 'yes' },
  'record fidelity reviews': { 'service-manager': 'own service' },
  'see ES-level detail': { 'team-leader': 'own teams' },
  'see team-level detail': { 'team-leader': 'own teams', 'service-manager': 'own service' },
  'see service-level figures': {
    'service-manager': 'own service',
    commissioner: 'summary of own service',
    ...forAreaLeads('services in area'),
  },
  'regional / national views': forAreaLeads('own area'),
  'record-level drill-through': { 'team-leader': 'own teams', 'service-manager': 'own service' },
  'quarterly return: edit and submit': { 'service-manager': 'own service' },
  'quarterly return: view': {
    'service-manager': 'own service',
    ...forAreaLeads('submitted, in area'),
  },
  // Issue 6, beyond docs/DESIGN.md's table: the national lead sets each quarter's deadline.
  'set quarterly return deadlines': { 'national-lead': 'own area' },
  'accept data sharing agreement': {
    'service-manager': 'own service, if named data governance lead',
  },
  'export what they can see': {
    'team-leader': 'yes',
    'service-manager': 'yes',
    commissioner: 'yes',
    ...forAreaLeads('yes'),
  },
  'manage organisations, users, roles, help pages': { administrator: 'yes' },
  'help and resources': Object.fromEntries(ROLES.map((role) => [role, 'yes'])),
};

/** The assignments that grant anything: those whose service has accepted its agreement. */
function activeAssignments(viewer: Viewer, capability: Capability) {
  const row = PERMISSION_TABLE[capability];
  return viewer.assignments.flatMap((assignment) => {
    const reach = row[assignment.role];
    return reach !== undefined && assignment.agreementAccepted ? [{ assignment, reach }] : [];
  });
}

function inArea(
  assignment: RoleAssignment,
  icsIds: readonly number[],
  regionIds: readonly number[],
) {
  switch (assignment.scopeType) {
    case 'national':
      return true;
    case 'region':
      return assignment.scopeId !== null && regionIds.includes(assignment.scopeId);
    case 'ics':
      return assignment.scopeId !== null && icsIds.includes(assignment.scopeId);
    default:
      return false;
  }
}

function coversTeam(capability: Capability, viewer: Viewer, team: TeamPlace): boolean {
  return activeAssignments(viewer, capability).some(({ assignment, reach }) => {
    switch (reach) {
      case 'own teams':
        return assignment.scopeType === 'team' && assignment.scopeId === team.teamId;
      case 'own service':
        return assignment.scopeType === 'service' && assignment.scopeId === team.serviceId;
      default:
        return false;
    }
  });
}

function coversService(
  capability: Capability,
  viewer: Viewer,
  service: ServicePlace,
  accepts: (reach: Reach) => boolean,
): boolean {
  return activeAssignments(viewer, capability).some(({ assignment, reach }) => {
    if (!accepts(reach)) return false;
    switch (reach) {
      case 'own service':
      case 'summary of own service':
        return assignment.scopeType === 'service' && assignment.scopeId === service.serviceId;
      case 'own service, if named data governance lead':
        return (
          assignment.scopeType === 'service' &&
          assignment.scopeId === service.serviceId &&
          assignment.dataGovernanceLead
        );
      case 'services in area':
      case 'submitted, in area':
        return inArea(assignment, service.icsIds, service.regionIds);
      case 'yes':
        return true;
      default:
        return false;
    }
  });
}

const anyReach = () => true;

export const canUploadForTeam = (viewer: Viewer, team: TeamPlace) =>
  coversTeam('upload data, roll back', viewer, team);
export const canSetTargetsForTeam = (viewer: Viewer, team: TeamPlace) =>
  coversTeam('set team targets', viewer, team);
/** ES-level figures, and naming specialists or marking them as left. */
export const canViewSpecialists = (viewer: Viewer, team: TeamPlace) =>
  coversTeam('see ES-level detail', viewer, team);
export const canViewTeam = (viewer: Viewer, team: TeamPlace) =>
  coversTeam('see team-level detail', viewer, team);
export const canDrillThroughTeam = (viewer: Viewer, team: TeamPlace) =>
  coversTeam('record-level drill-through', viewer, team);

/** Every record of a service at once: its manager (a team leader opens each team's). */
export const canDrillThroughService = (viewer: Viewer, service: ServicePlace) =>
  coversService('record-level drill-through', viewer, service, anyReach);

/** The full service dashboard: its manager, and the leads of an area it works in. */
export const canViewService = (viewer: Viewer, service: ServicePlace) =>
  coversService(
    'see service-level figures',
    viewer,
    service,
    (reach) => reach !== 'summary of own service',
  );
/** The service's summary dashboard, which commissioners see as well. */
export const canViewServiceSummary = (viewer: Viewer, service: ServicePlace) =>
  coversService('see service-level figures', viewer, service, anyReach);
export const canSetServiceTargets = (viewer: Viewer, service: ServicePlace) =>
  coversService('set service targets', viewer, service, anyReach);
export const canSetServiceReferralSources = (viewer: Viewer, service: ServicePlace) =>
  coversService('set service referral sources', viewer, service, anyReach);
export const canRecordFidelityReviews = (viewer: Viewer, service: ServicePlace) =>
  coversService('record fidelity reviews', viewer, service, anyReach);
export const canSubmitReturn = (viewer: Viewer, service: ServicePlace) =>
  coversService('quarterly return: edit and submit', viewer, service, anyReach);
export const canViewReturn = (viewer: Viewer, service: ServicePlace, submitted: boolean) =>
  coversService(
    'quarterly return: view',
    viewer,
    service,
    (reach) => submitted || reach !== 'submitted, in area',
  );
export const canAcceptDataSharingAgreement = (viewer: Viewer, serviceId: number) =>
  // Asked before the agreement is accepted, so the gate on assignments does not apply here.
  viewer.assignments.some(
    (assignment) =>
      PERMISSION_TABLE['accept data sharing agreement'][assignment.role] !== undefined &&
      assignment.dataGovernanceLead &&
      assignment.scopeType === 'service' &&
      assignment.scopeId === serviceId,
  );

export const canViewArea = (viewer: Viewer, area: AreaPlace) =>
  activeAssignments(viewer, 'regional / national views').some(({ assignment }) => {
    switch (area.type) {
      case 'national':
        return assignment.scopeType === 'national';
      case 'region':
        return inArea(assignment, [], [area.regionId]);
      default:
        return inArea(assignment, [area.icsId], [area.regionId]);
    }
  });

export const canSetReturnDeadlines = (viewer: Viewer) =>
  activeAssignments(viewer, 'set quarterly return deadlines').some(
    ({ assignment }) => assignment.scopeType === 'national',
  );
export const canExport = (viewer: Viewer) =>
  activeAssignments(viewer, 'export what they can see').length > 0;
export const canAdminister = (viewer: Viewer) =>
  activeAssignments(viewer, 'manage organisations, users, roles, help pages').length > 0;
export const canViewHelp = (viewer: Viewer) =>
  activeAssignments(viewer, 'help and resources').length > 0;

/**
 * True when every assignment waits on a data sharing agreement: such a person sees only the
 * governance message (or, as a named data governance lead, the agreement to accept).
 */
export function isWaitingForAgreement(viewer: Viewer): boolean {
  return (
    viewer.assignments.length > 0 &&
    viewer.assignments.every((assignment) => !assignment.agreementAccepted)
  );
}
