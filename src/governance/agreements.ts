import type { Queryable } from '../database/database.ts';

/** The data sharing agreement (signed per service) and the end-user agreement (per person). */
export const AGREEMENT_KINDS = ['data-sharing', 'end-user'] as const;
export type AgreementKind = (typeof AGREEMENT_KINDS)[number];

export const AGREEMENT_NAMES: Readonly<Record<AgreementKind, string>> = {
  'data-sharing': 'Data sharing agreement',
  'end-user': 'Terms and conditions (end-user agreement)',
};

export interface AgreementVersion {
  readonly kind: AgreementKind;
  readonly version: number;
  readonly body: string;
  readonly createdAt: Date;
}

/** The newest version is the one in force. */
export async function currentAgreement(
  database: Queryable,
  kind: AgreementKind,
): Promise<AgreementVersion> {
  const [agreement] = await database.query<AgreementVersion>(
    `SELECT kind, version, body, created_at AS "createdAt" FROM agreement_version
      WHERE kind = $1 ORDER BY version DESC LIMIT 1`,
    [kind],
  );
  // Migration 0002 writes version 1 of both.
  if (agreement === undefined) throw new Error(`No ${kind} agreement in the database`);
  return agreement;
}

export async function currentAgreementVersion(
  database: Queryable,
  kind: AgreementKind,
): Promise<number> {
  return (await currentAgreement(database, kind)).version;
}

/** A new version of the text, in force at once: everyone accepts it again. */
export async function publishAgreement(
  database: Queryable,
  kind: AgreementKind,
  body: string,
  accountId: number,
  now: Date,
): Promise<number> {
  const [row] = await database.query<{ version: number }>(
    `INSERT INTO agreement_version (kind, version, body, created_at, created_by)
     SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4 FROM agreement_version WHERE kind = $1
     RETURNING version`,
    [kind, body, now, accountId],
  );
  if (row === undefined) throw new Error('INSERT … RETURNING gave no row');
  return row.version;
}

export async function acceptTerms(database: Queryable, accountId: number, version: number) {
  await database.query('UPDATE account SET terms_version_accepted = $2 WHERE id = $1', [
    accountId,
    version,
  ]);
}

export async function acceptDataSharing(
  database: Queryable,
  serviceId: number,
  version: number,
  accountId: number | null,
  now: Date,
): Promise<void> {
  await database.query(
    `INSERT INTO data_sharing_acceptance (service_id, version, accepted_by, accepted_at)
     VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
    [serviceId, version, accountId, now],
  );
}

export interface ServiceAgreementStatus {
  readonly serviceId: number;
  readonly serviceName: string;
  readonly acceptedVersion: number | null;
  readonly acceptedAt: Date | null;
  readonly acceptedBy: string | null;
}

/** For each service: the newest version it has accepted, when and by whom. */
export function serviceAgreementStatuses(
  database: Queryable,
  serviceIds: readonly number[],
): Promise<ServiceAgreementStatus[]> {
  return database.query<ServiceAgreementStatus>(
    `SELECT s.id AS "serviceId", s.name AS "serviceName", d.version AS "acceptedVersion",
            d.accepted_at AS "acceptedAt", a.name AS "acceptedBy"
       FROM service s
       LEFT JOIN LATERAL (
         SELECT version, accepted_at, accepted_by FROM data_sharing_acceptance
          WHERE service_id = s.id ORDER BY version DESC LIMIT 1
       ) d ON true
       LEFT JOIN account a ON a.id = d.accepted_by
      WHERE s.id = ANY($1::int[])
      ORDER BY s.name`,
    [`{${serviceIds.join(',')}}`],
  );
}
