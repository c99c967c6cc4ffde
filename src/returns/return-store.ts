import { recordAudit } from '../audit/audit-log.ts';
import type { Database, Queryable } from '../database/database.ts';
import type { AreaPlace } from '../permissions/permissions.ts';
import type { ReturnContent, ReturnForm } from './return-content.ts';

/** Quarterly returns as stored: the draft being typed, and every submitted version. */

export interface ReturnKey {
  readonly serviceId: number;
  readonly icsId: number;
  /** "2024Q3". */
  readonly quarter: string;
}

export type ReturnStatus = 'not started' | 'draft' | 'submitted' | 'submitted, with changes';

export interface ReturnVersion {
  readonly version: number;
  readonly content: ReturnContent;
  readonly submittedAt: Date;
  readonly submittedBy: string | null;
}

export interface StoredReturn {
  readonly id: number;
  readonly draft: ReturnForm;
  readonly draftChangedAt: Date;
  /** Newest first. */
  readonly versions: readonly ReturnVersion[];
}

export function statusOf(stored: Pick<StoredReturn, 'draftChangedAt' | 'versions'> | null) {
  if (stored === null) return 'not started' as const;
  const latest = stored.versions[0];
  if (latest === undefined) return 'draft' as const;
  return stored.draftChangedAt > latest.submittedAt
    ? ('submitted, with changes' as const)
    : ('submitted' as const);
}

export async function findReturn(
  database: Queryable,
  key: ReturnKey,
): Promise<StoredReturn | null> {
  const [row] = await database.query<{ id: number; draft: ReturnForm; draftChangedAt: Date }>(
    `SELECT id, draft, draft_changed_at AS "draftChangedAt" FROM quarterly_return
      WHERE service_id = $1 AND ics_id = $2 AND quarter = $3`,
    [key.serviceId, key.icsId, key.quarter],
  );
  if (row === undefined) return null;
  const versions = await database.query<ReturnVersion>(
    `SELECT v.version, v.content, v.submitted_at AS "submittedAt", a.email AS "submittedBy"
       FROM quarterly_return_version v LEFT JOIN account a ON a.id = v.submitted_by
      WHERE v.return_id = $1 ORDER BY v.version DESC`,
    [row.id],
  );
  return { ...row, versions };
}

/** Saves the form as the draft (creating the return); unchanged drafts are left alone. */
export async function saveDraft(
  database: Database,
  key: ReturnKey,
  draft: ReturnForm,
  accountId: number,
  at: Date,
): Promise<void> {
  await database.transaction(async (transaction) => {
    // Compared as jsonb: the database keeps its own key order, so the texts would never match.
    const [current] = await transaction.query<{ unchanged: boolean }>(
      `SELECT draft = $4::jsonb AS unchanged FROM quarterly_return
        WHERE service_id = $1 AND ics_id = $2 AND quarter = $3 FOR UPDATE`,
      [key.serviceId, key.icsId, key.quarter, JSON.stringify(draft)],
    );
    if (current?.unchanged === true) return;
    await transaction.query(
      `INSERT INTO quarterly_return (service_id, ics_id, quarter, draft, draft_changed_at, draft_changed_by)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (service_id, ics_id, quarter)
       DO UPDATE SET draft = EXCLUDED.draft, draft_changed_at = EXCLUDED.draft_changed_at,
                     draft_changed_by = EXCLUDED.draft_changed_by`,
      [key.serviceId, key.icsId, key.quarter, JSON.stringify(draft), at, accountId],
    );
    await recordAudit(transaction, at, {
      actorAccountId: accountId,
      action: 'quarterly return edited',
      subject: `service ${key.serviceId}, ICS ${key.icsId}, ${key.quarter}`,
    });
  });
}

/** Freezes the checked return as its next version; returns the version number. */
export async function submitReturn(
  database: Database,
  key: ReturnKey,
  content: ReturnContent,
  accountId: number,
  at: Date,
): Promise<number> {
  return database.transaction(async (transaction) => {
    const [row] = await transaction.query<{ id: number }>(
      `SELECT id FROM quarterly_return WHERE service_id = $1 AND ics_id = $2 AND quarter = $3 FOR UPDATE`,
      [key.serviceId, key.icsId, key.quarter],
    );
    if (row === undefined) throw new Error('A return is submitted from its draft');
    const [next] = await transaction.query<{ version: number }>(
      'SELECT coalesce(max(version), 0)::int + 1 AS version FROM quarterly_return_version WHERE return_id = $1',
      [row.id],
    );
    const version = next?.version ?? 1;
    await transaction.query(
      `INSERT INTO quarterly_return_version (return_id, version, content, submitted_at, submitted_by)
       VALUES ($1, $2, $3, $4, $5)`,
      [row.id, version, JSON.stringify(content), at, accountId],
    );
    await recordAudit(transaction, at, {
      actorAccountId: accountId,
      action: 'quarterly return submitted',
      subject: `service ${key.serviceId}, ICS ${key.icsId}, ${key.quarter}`,
      detail: `version ${version}`,
    });
    return version;
  });
}

export interface ReturnListing {
  readonly serviceId: number;
  readonly serviceName: string;
  readonly icsId: number;
  readonly icsName: string;
  readonly regionId: number;
  readonly regionName: string;
  readonly draftChangedAt: Date | null;
  /** The latest submission, if any. */
  readonly submittedAt: Date | null;
  readonly version: number | null;
  readonly content: ReturnContent | null;
}

/**
 * Every service × ICS pair in the area that could send a return for the quarter (a service with a
 * team in that ICS), with its return's state. The content is the latest submitted version only.
 */
export function returnsInArea(
  database: Queryable,
  area: AreaPlace,
  quarter: string,
  serviceId: number | null = null,
): Promise<ReturnListing[]> {
  return database.query<ReturnListing>(
    `WITH pairs AS (
       SELECT DISTINCT t.service_id, t.ics_id FROM team t JOIN ics i ON i.id = t.ics_id
        WHERE ($1::int IS NULL OR i.region_id = $1) AND ($2::int IS NULL OR i.id = $2)
          AND ($4::int IS NULL OR t.service_id = $4))
     SELECT p.service_id AS "serviceId", s.name AS "serviceName", p.ics_id AS "icsId", i.name AS "icsName",
            r.id AS "regionId", r.name AS "regionName", q.draft_changed_at AS "draftChangedAt",
            v.submitted_at AS "submittedAt", v.version, v.content
       FROM pairs p JOIN service s ON s.id = p.service_id JOIN ics i ON i.id = p.ics_id
       JOIN region r ON r.id = i.region_id
       LEFT JOIN quarterly_return q ON q.service_id = p.service_id AND q.ics_id = p.ics_id AND q.quarter = $3
       LEFT JOIN LATERAL (
         SELECT version, content, submitted_at FROM quarterly_return_version
          WHERE return_id = q.id ORDER BY version DESC LIMIT 1) v ON true
      ORDER BY lower(r.name), lower(i.name), lower(s.name)`,
    [
      area.type === 'national' ? null : area.regionId,
      area.type === 'ics' ? area.icsId : null,
      quarter,
      serviceId,
    ],
  );
}

/** A return as area leads see its state: whether it has been submitted, never what a draft holds. */
export function listingStatus(listing: ReturnListing): 'submitted' | 'draft' | 'not started' {
  if (listing.version !== null) return 'submitted';
  return listing.draftChangedAt === null ? 'not started' : 'draft';
}

export async function returnDeadline(database: Queryable, quarter: string): Promise<string | null> {
  const [row] = await database.query<{ deadline: string }>(
    `SELECT to_char(deadline, 'YYYY-MM-DD') AS deadline FROM return_deadline WHERE quarter = $1`,
    [quarter],
  );
  return row?.deadline ?? null;
}

export async function setReturnDeadline(
  database: Database,
  quarter: string,
  deadline: string,
  accountId: number,
  at: Date,
): Promise<void> {
  await database.transaction(async (transaction) => {
    await transaction.query(
      `INSERT INTO return_deadline (quarter, deadline, set_by, set_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (quarter) DO UPDATE SET deadline = EXCLUDED.deadline, set_by = EXCLUDED.set_by,
         set_at = EXCLUDED.set_at`,
      [quarter, deadline, accountId, at],
    );
    await recordAudit(transaction, at, {
      actorAccountId: accountId,
      action: 'quarterly return deadline set',
      subject: quarter,
      detail: deadline,
    });
  });
}
