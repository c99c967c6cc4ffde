import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Queryable } from '../database/database.ts';
import {
  isNationalReferralSourceCategory,
  ReferralSourceList,
  type ServiceReferralSource,
} from '../spreadsheet/referral-sources.ts';

/**
 * A service's own referral sources (docs/SPREADSHEET.md, "Referral sources"): its manager keeps
 * them, the template's cover sheet offers them, and each upload of its teams is read against them.
 */

export async function serviceReferralSources(
  database: Queryable,
  serviceId: number,
): Promise<ServiceReferralSource[]> {
  const rows = await database.query<{ name: string; category: string }>(
    'SELECT name, category FROM service_referral_source WHERE service_id = $1 ORDER BY position',
    [serviceId],
  );
  // Only categories the code knows reach a record, even were a row put in by hand.
  return rows.flatMap(({ name, category }) =>
    isNationalReferralSourceCategory(category) ? [{ name, category }] : [],
  );
}

/** The list an upload for the team is read against: its service's. */
export async function referralSourcesOfTeam(
  database: Queryable,
  teamId: number,
): Promise<ReferralSourceList> {
  const [team] = await database.query<{ serviceId: number }>(
    'SELECT service_id AS "serviceId" FROM team WHERE id = $1',
    [teamId],
  );
  return new ReferralSourceList(
    team === undefined ? [] : await serviceReferralSources(database, team.serviceId),
  );
}

/**
 * Replaces the service's list (checked by `checkReferralSources`), with its audit entry. Records
 * already stored keep the source and category they were read with until the team uploads again.
 */
export function saveServiceReferralSources(
  context: Pick<AppContext, 'database' | 'clock'>,
  change: {
    readonly serviceId: number;
    readonly accountId: number;
    readonly sources: readonly ServiceReferralSource[];
  },
): Promise<void> {
  const { serviceId, accountId, sources } = change;
  return context.database.transaction(async (transaction) => {
    // Saves of one service's list wait for each other: two at once would each delete only the
    // rows it can see and then insert the same positions.
    await transaction.query('SELECT 1 FROM service WHERE id = $1 FOR UPDATE', [serviceId]);
    await transaction.query('DELETE FROM service_referral_source WHERE service_id = $1', [
      serviceId,
    ]);
    for (const [position, source] of sources.entries()) {
      await transaction.query(
        'INSERT INTO service_referral_source (service_id, position, name, category) VALUES ($1, $2, $3, $4)',
        [serviceId, position, source.name, source.category],
      );
    }
    await recordAudit(transaction, context.clock(), {
      actorAccountId: accountId,
      action: 'set referral sources',
      subject: `service ${serviceId}`,
      detail: `${sources.length} referral source${sources.length === 1 ? '' : 's'}`,
    });
  });
}
