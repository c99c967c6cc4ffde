import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';
import { canAcceptDataSharingAgreement, type Viewer } from '../permissions/permissions.ts';
import {
  AGREEMENT_NAMES,
  type AgreementKind,
  acceptDataSharing,
  acceptTerms,
  currentAgreementVersion,
  publishAgreement,
  type ServiceAgreementStatus,
  serviceAgreementStatuses,
} from './agreements.ts';

/**
 * Publishing and accepting the agreements. Each acceptance names the version the person read:
 * one replaced while the page was open accepts nothing, and they are shown the new text.
 */

type Context = Pick<AppContext, 'database' | 'clock'>;

/** An administrator's new text, in force at once; its version number. */
export async function publishAgreementVersion(
  context: Context,
  kind: AgreementKind,
  body: string,
  actorAccountId: number,
): Promise<number> {
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    const version = await publishAgreement(transaction, kind, body, actorAccountId, now);
    await recordAudit(transaction, now, {
      actorAccountId,
      action: 'published agreement',
      subject: AGREEMENT_NAMES[kind],
      detail: `version ${version}`,
    });
    return version;
  });
}

/** Whether the account has accepted the end-user agreement in force. */
export async function hasAcceptedTermsInForce(
  database: Queryable,
  accountId: number,
): Promise<boolean> {
  const [account] = await database.query<{ accepted: number | null }>(
    'SELECT terms_version_accepted AS accepted FROM account WHERE id = $1',
    [accountId],
  );
  return (account?.accepted ?? 0) >= (await currentAgreementVersion(database, 'end-user'));
}

/** False, and nothing accepted, if `version` is no longer the one in force. */
export async function acceptTermsInForce(
  context: Context,
  accountId: number,
  version: number,
): Promise<boolean> {
  return context.database.transaction(async (transaction) => {
    if (version !== (await currentAgreementVersion(transaction, 'end-user'))) return false;
    await acceptTerms(transaction, accountId, version);
    await recordAudit(transaction, context.clock(), {
      actorAccountId: accountId,
      action: 'accepted terms and conditions',
      subject: `version ${version}`,
    });
    return true;
  });
}

/** The services whose data sharing agreement this person may accept, with where each stands. */
export function dataSharingStatusesFor(
  database: Queryable,
  viewer: Viewer,
): Promise<ServiceAgreementStatus[]> {
  const serviceIds = viewer.assignments.flatMap((assignment) =>
    assignment.scopeId !== null && canAcceptDataSharingAgreement(viewer, assignment.scopeId)
      ? [assignment.scopeId]
      : [],
  );
  return serviceAgreementStatuses(database, serviceIds);
}

/** A service's data governance lead accepts the data sharing agreement for it. */
export async function acceptDataSharingInForce(
  context: Context,
  viewer: Viewer,
  acceptance: { readonly serviceId: number; readonly version: number },
): Promise<'accepted' | 'not-in-force' | 'not-allowed'> {
  const { serviceId, version } = acceptance;
  if (!canAcceptDataSharingAgreement(viewer, serviceId)) return 'not-allowed';
  return context.database.transaction(async (transaction) => {
    if (version !== (await currentAgreementVersion(transaction, 'data-sharing'))) {
      return 'not-in-force';
    }
    await acceptDataSharing(transaction, serviceId, version, viewer.accountId, context.clock());
    await recordAudit(transaction, context.clock(), {
      actorAccountId: viewer.accountId,
      action: 'accepted data sharing agreement',
      subject: `service ${serviceId}`,
      detail: `version ${version}`,
    });
    return 'accepted';
  });
}
