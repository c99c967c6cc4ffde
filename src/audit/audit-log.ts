import type { Queryable } from '../database/database.ts';

/** One change of data, role or agreement: who, what, to which thing, when. */
export interface AuditEntry {
  readonly actorAccountId: number | null;
  readonly action: string;
  readonly subject: string;
  readonly detail?: string;
}

export async function recordAudit(database: Queryable, at: Date, entry: AuditEntry): Promise<void> {
  await database.query(
    'INSERT INTO audit_event (at, actor_account_id, action, subject, detail) VALUES ($1, $2, $3, $4, $5)',
    [at, entry.actorAccountId, entry.action, entry.subject, entry.detail ?? ''],
  );
}

export interface AuditEvent {
  readonly id: number;
  readonly at: Date;
  readonly actorEmail: string | null;
  readonly action: string;
  readonly subject: string;
  readonly detail: string;
}

export interface AuditSearch {
  /** Words found in the action, subject, detail or actor's email. */
  readonly text: string;
  readonly from: string | null;
  readonly to: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

export function searchAudit(database: Queryable, search: AuditSearch): Promise<AuditEvent[]> {
  return database.query<AuditEvent>(
    `SELECT e.id, e.at, a.email AS "actorEmail", e.action, e.subject, e.detail
       FROM audit_event e LEFT JOIN account a ON a.id = e.actor_account_id
      WHERE ($1 = '' OR strpos(lower(e.action || ' ' || e.subject || ' ' || e.detail || ' ' || coalesce(a.email, '')), lower($1)) > 0)
        AND ($2::date IS NULL OR e.at >= $2::date)
        AND ($3::date IS NULL OR e.at < $3::date + 1)
      ORDER BY e.at DESC, e.id DESC
      LIMIT ${AUDIT_PAGE_SIZE}`,
    [search.text, search.from, search.to],
  );
}
