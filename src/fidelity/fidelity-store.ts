import { recordAudit } from '../audit/audit-log.ts';
import type { IsoDate } from '../calendar/calendar-date.ts';
import type { Database, Queryable } from '../database/database.ts';
import { fidelityTotal, type ReviewType } from './fidelity-scale.ts';

/** A service's IPS-25 fidelity reviews as recorded by its manager. */

export interface FidelityReviewInput {
  readonly serviceId: number;
  readonly reviewDate: IsoDate;
  readonly reviewType: ReviewType;
  readonly reviewerOrganisation: string;
  readonly itemScores: readonly number[];
  readonly actionPlan: string;
}

export interface FidelityReview extends FidelityReviewInput {
  readonly id: number;
  readonly total: number;
  readonly recordedAt: Date;
  readonly recordedBy: string | null;
}

const REVIEW_COLUMNS = `r.id, r.service_id AS "serviceId", to_char(r.review_date, 'YYYY-MM-DD') AS "reviewDate",
  r.review_type AS "reviewType", r.reviewer_organisation AS "reviewerOrganisation",
  r.item_scores AS "itemScores", r.total, r.action_plan AS "actionPlan",
  r.recorded_at AS "recordedAt", a.email AS "recordedBy"`;

export async function recordFidelityReview(
  database: Database,
  review: FidelityReviewInput,
  accountId: number,
  at: Date,
): Promise<number> {
  return database.transaction(async (transaction) => {
    const total = fidelityTotal(review.itemScores);
    const [row] = await transaction.query<{ id: number }>(
      `INSERT INTO fidelity_review (service_id, review_date, review_type, reviewer_organisation,
         item_scores, total, action_plan, recorded_by, recorded_at)
       VALUES ($1, $2, $3, $4, $5::int[], $6, $7, $8, $9) RETURNING id`,
      [
        review.serviceId,
        review.reviewDate,
        review.reviewType,
        review.reviewerOrganisation,
        `{${review.itemScores.join(',')}}`,
        total,
        review.actionPlan,
        accountId,
        at,
      ],
    );
    await recordAudit(transaction, at, {
      actorAccountId: accountId,
      action: 'fidelity review recorded',
      subject: `service ${review.serviceId}`,
      detail: `${review.reviewType} review of ${review.reviewDate}: ${total} of 125`,
    });
    return row?.id ?? 0;
  });
}

export async function findFidelityReview(
  database: Queryable,
  serviceId: number,
  reviewId: number,
): Promise<FidelityReview | null> {
  const [review] = await database.query<FidelityReview>(
    `SELECT ${REVIEW_COLUMNS} FROM fidelity_review r LEFT JOIN account a ON a.id = r.recorded_by
      WHERE r.service_id = $1 AND r.id = $2`,
    [serviceId, reviewId],
  );
  return review ?? null;
}

/** Every review of the given services, newest first. */
export function reviewsOfServices(
  database: Queryable,
  serviceIds: readonly number[],
): Promise<FidelityReview[]> {
  if (serviceIds.length === 0) return Promise.resolve([]);
  return database.query<FidelityReview>(
    `SELECT ${REVIEW_COLUMNS} FROM fidelity_review r LEFT JOIN account a ON a.id = r.recorded_by
      WHERE r.service_id = ANY($1::int[]) ORDER BY r.review_date DESC, r.id DESC`,
    [`{${serviceIds.join(',')}}`],
  );
}
