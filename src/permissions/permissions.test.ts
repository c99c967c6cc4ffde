import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AreaPlace,
  CAPABILITIES,
  type Capability,
  canAcceptDataSharingAgreement,
  canAdminister,
  canDrillThroughTeam,
  canExport,
  canRecordFidelityReviews,
  canSetReturnDeadlines,
  canSetServiceReferralSources,
  canSetServiceTargets,
  canSetTargetsForTeam,
  canSubmitReturn,
  canUploadForTeam,
  canViewArea,
  canViewHelp,
  canViewReturn,
  canViewService,
  canViewServiceSummary,
  canViewSpecialists,
  canViewTeam,
  isWaitingForAgreement,
  PERMISSION_TABLE,
  ROLE_SCOPE,
  ROLES,
  type Role,
  type RoleAssignment,
  type ServicePlace,
  type TeamPlace,
  type Viewer,
} from './permissions.ts';

// Two of everything: the viewer's own (id 1) and someone else's (id 2).
const ownTeam: TeamPlace = { teamId: 1, serviceId: 1, icsId: 1, regionId: 1 };
const otherTeam: TeamPlace = { teamId: 2, serviceId: 2, icsId: 2, regionId: 2 };
const ownService: ServicePlace = { serviceId: 1, icsIds: [1], regionIds: [1] };
const otherService: ServicePlace = { serviceId: 2, icsIds: [2], regionIds: [2] };
const ownArea = (role: Role): AreaPlace =>
  role === 'ics-lead'
    ? { type: 'ics', icsId: 1, regionId: 1 }
    : role === 'regional-lead'
      ? { type: 'region', regionId: 1 }
      : { type: 'national' };
const otherArea: AreaPlace = { type: 'ics', icsId: 2, regionId: 2 };

function viewerWith(role: Role, overrides: Partial<RoleAssignment> = {}): Viewer {
  const scopeType = ROLE_SCOPE[role];
  return {
    accountId: 1,
    email: 'someone@nhs.net',
    name: 'Someone',
    assignments: [
      {
        id: 1,
        role,
        scopeType,
        scopeId: scopeType === 'national' ? null : 1,
        scopeName: 'Own',
        serviceId: scopeType === 'team' || scopeType === 'service' ? 1 : null,
        dataGovernanceLead: role === 'service-manager',
        agreementAccepted: true,
        ...overrides,
      },
    ],
  };
}

/** Each row of the table, asked of the viewer's own scope and of someone else's. */
const ASK: Record<Capability, (viewer: Viewer, own: boolean, role: Role) => boolean> = {
  'upload data, roll back': (v, own) => canUploadForTeam(v, own ? ownTeam : otherTeam),
  'set team targets': (v, own) => canSetTargetsForTeam(v, own ? ownTeam : otherTeam),
  'set service targets': (v, own) => canSetServiceTargets(v, own ? ownService : otherService),
  'set service referral sources': (v, own) =>
    canSetServiceReferralSources(v, own ? ownService : otherService),
  'record fidelity reviews': (v, own) =>
    canRecordFidelityReviews(v, own ? ownService : otherService),
  'see ES-level detail': (v, own) => canViewSpecialists(v, own ? ownTeam : otherTeam),
  'see team-level detail': (v, own) => canViewTeam(v, own ? ownTeam : otherTeam),
  'see service-level figures': (v, own) =>
    canViewServiceSummary(v, own ? ownService : otherService),
  'regional / national views': (v, own, role) => canViewArea(v, own ? ownArea(role) : otherArea),
  'record-level drill-through': (v, own) => canDrillThroughTeam(v, own ? ownTeam : otherTeam),
  'quarterly return: edit and submit': (v, own) =>
    canSubmitReturn(v, own ? ownService : otherService),
  'quarterly return: view': (v, own) => canViewReturn(v, own ? ownService : otherService, true),
  'set quarterly return deadlines': (v) => canSetReturnDeadlines(v),
  'accept data sharing agreement': (v, own) => canAcceptDataSharingAgreement(v, own ? 1 : 2),
  'export what they can see': (v) => canExport(v),
  'manage organisations, users, roles, help pages': (v) => canAdminister(v),
  'help and resources': (v) => canViewHelp(v),
};

/** Rows whose ✓ is not limited to a scope: "someone else's" does not apply. */
const UNSCOPED: ReadonlySet<Capability> = new Set([
  'export what they can see',
  'manage organisations, users, roles, help pages',
  'help and resources',
]);

describe('the DESIGN.md roles table, cell by cell', () => {
  for (const capability of CAPABILITIES) {
    for (const role of ROLES) {
      const reach = PERMISSION_TABLE[capability][role];
      it(`${capability} — ${role}: ${reach ?? '–'}`, () => {
        const viewer = viewerWith(role);
        assert.equal(ASK[capability](viewer, true, role), reach !== undefined, 'own scope');
        if (!UNSCOPED.has(capability)) {
          // A national lead's area is everywhere, so "another area" is still theirs; so is
          // whatever an administrator may do.
          const everywhere = (role === 'national-lead' && reach !== undefined) || reach === 'yes';
          assert.equal(ASK[capability](viewer, false, role), everywhere, 'someone else’s scope');
        }
      });
    }
  }
});

describe('the table’s conditions', () => {
  it('a service manager accepts the agreement only as the named data governance lead', () => {
    assert.equal(canAcceptDataSharingAgreement(viewerWith('service-manager'), 1), true);
    assert.equal(
      canAcceptDataSharingAgreement(
        viewerWith('service-manager', { dataGovernanceLead: false }),
        1,
      ),
      false,
    );
  });

  it('area leads see a quarterly return only once it is submitted; the service manager always', () => {
    for (const role of ['ics-lead', 'regional-lead', 'national-lead'] as const) {
      assert.equal(canViewReturn(viewerWith(role), ownService, false), false, role);
      assert.equal(canViewReturn(viewerWith(role), ownService, true), true, role);
    }
    assert.equal(canViewReturn(viewerWith('service-manager'), ownService, false), true);
  });

  it('a commissioner sees the summary of their service, not the full service view', () => {
    assert.equal(canViewServiceSummary(viewerWith('commissioner'), ownService), true);
    assert.equal(canViewService(viewerWith('commissioner'), ownService), false);
    assert.equal(canViewService(viewerWith('service-manager'), ownService), true);
  });

  it('an ICS lead sees a service with any team in the ICS, and not the region around it', () => {
    const spanning: ServicePlace = { serviceId: 9, icsIds: [2, 1], regionIds: [2, 1] };
    assert.equal(canViewService(viewerWith('ics-lead'), spanning), true);
    assert.equal(canViewArea(viewerWith('ics-lead'), { type: 'region', regionId: 1 }), false);
    assert.equal(
      canViewArea(viewerWith('regional-lead'), { type: 'ics', icsId: 5, regionId: 1 }),
      true,
    );
  });

  it('grants nothing through a service that has not accepted its data sharing agreement', () => {
    const waiting = viewerWith('team-leader', { agreementAccepted: false });
    assert.equal(canViewTeam(waiting, ownTeam), false);
    assert.equal(canViewHelp(waiting), false);
    assert.equal(isWaitingForAgreement(waiting), true);
    const alsoAdministrator: Viewer = {
      ...waiting,
      assignments: [...waiting.assignments, ...viewerWith('administrator').assignments],
    };
    assert.equal(isWaitingForAgreement(alsoAdministrator), false);
    assert.equal(canAdminister(alsoAdministrator), true);
    assert.equal(canViewTeam(alsoAdministrator, ownTeam), false);
  });

  it('several roles add up', () => {
    const both: Viewer = {
      ...viewerWith('team-leader'),
      assignments: [
        ...viewerWith('team-leader').assignments,
        {
          ...(viewerWith('team-leader').assignments[0] as RoleAssignment),
          id: 2,
          scopeId: 2,
          serviceId: 2,
        },
      ],
    };
    assert.equal(canUploadForTeam(both, ownTeam), true);
    assert.equal(canUploadForTeam(both, otherTeam), true);
  });
});
