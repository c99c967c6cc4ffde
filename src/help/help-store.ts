import { recordAudit } from '../audit/audit-log.ts';
import type { Database, Queryable } from '../database/database.ts';

/** Help resources administrators write, and the problems users report. */

export interface Resource {
  readonly id: number;
  readonly slug: string;
  readonly title: string;
  readonly kind: 'page' | 'link';
  /** Markdown, for a page. */
  readonly body: string;
  /** For a link. */
  readonly url: string | null;
  readonly updatedAt: Date;
}

export type ResourceInput = Omit<Resource, 'id' | 'updatedAt'>;

const RESOURCE_COLUMNS = `id, slug, title, kind, body, url, updated_at AS "updatedAt"`;

export function allResources(database: Queryable): Promise<Resource[]> {
  return database.query<Resource>(`SELECT ${RESOURCE_COLUMNS} FROM resource ORDER BY lower(title)`);
}

export async function findResource(
  database: Queryable,
  where: { id: number } | { slug: string },
): Promise<Resource | null> {
  const [resource] = await database.query<Resource>(
    `SELECT ${RESOURCE_COLUMNS} FROM resource WHERE ${'id' in where ? 'id' : 'slug'} = $1`,
    ['id' in where ? where.id : where.slug],
  );
  return resource ?? null;
}

export async function slugTaken(
  database: Queryable,
  slug: string,
  exceptId: number | null,
): Promise<boolean> {
  const rows = await database.query('SELECT 1 FROM resource WHERE slug = $1 AND id <> $2', [
    slug,
    exceptId ?? 0,
  ]);
  return rows.length > 0;
}

/** Creates the resource (id null) or changes it; returns its id. */
export async function saveResource(
  database: Database,
  id: number | null,
  input: ResourceInput,
  accountId: number,
  at: Date,
): Promise<number> {
  return database.transaction(async (transaction) => {
    const values = [input.slug, input.title, input.kind, input.body, input.url, at, accountId];
    const [row] =
      id === null
        ? await transaction.query<{ id: number }>(
            `INSERT INTO resource (slug, title, kind, body, url, updated_at, updated_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
            values,
          )
        : await transaction.query<{ id: number }>(
            `UPDATE resource SET slug = $1, title = $2, kind = $3, body = $4, url = $5,
                    updated_at = $6, updated_by = $7 WHERE id = $8 RETURNING id`,
            [...values, id],
          );
    await recordAudit(transaction, at, {
      actorAccountId: accountId,
      action: id === null ? 'help resource added' : 'help resource changed',
      subject: `resource ${row?.id}`,
      detail: input.title,
    });
    return row?.id ?? 0;
  });
}

export interface ProblemReport {
  readonly id: number;
  readonly email: string | null;
  readonly page: string;
  readonly description: string;
  readonly reportedAt: Date;
  readonly resolvedAt: Date | null;
}

export async function reportProblem(
  database: Database,
  report: { accountId: number; page: string; description: string },
  at: Date,
): Promise<void> {
  await database.transaction(async (transaction) => {
    const [reported] = await transaction.query<{ id: number }>(
      'INSERT INTO problem_report (account_id, page, description, reported_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [report.accountId, report.page, report.description, at],
    );
    // The description is the reporter's own words: it stays in its table, not in the audit log.
    await recordAudit(transaction, at, {
      actorAccountId: report.accountId,
      action: 'problem reported',
      subject: `problem report ${reported?.id}`,
    });
  });
}

/** Open reports first, newest first. */
export function problemReports(database: Queryable): Promise<ProblemReport[]> {
  return database.query<ProblemReport>(
    `SELECT p.id, a.email, p.page, p.description, p.reported_at AS "reportedAt",
            p.resolved_at AS "resolvedAt"
       FROM problem_report p LEFT JOIN account a ON a.id = p.account_id
      ORDER BY p.resolved_at IS NOT NULL, p.reported_at DESC LIMIT 200`,
  );
}

export async function resolveProblem(
  database: Database,
  id: number,
  accountId: number,
  at: Date,
): Promise<void> {
  await database.transaction(async (transaction) => {
    const resolved = await transaction.query(
      'UPDATE problem_report SET resolved_at = $2 WHERE id = $1 AND resolved_at IS NULL RETURNING id',
      [id, at],
    );
    if (resolved.length === 0) return;
    await recordAudit(transaction, at, {
      actorAccountId: accountId,
      action: 'problem report resolved',
      subject: `problem report ${id}`,
    });
  });
}
