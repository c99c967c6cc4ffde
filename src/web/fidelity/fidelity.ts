import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { IsoDate } from '../../calendar/calendar-date.ts';
import { londonToday } from '../../calendar/london-today.ts';
import { formatDate } from '../../calendar/nhs-dates.ts';
import {
  FIDELITY_BAND_NAMES,
  FIDELITY_BAND_RULE,
  FIDELITY_BANDS,
  FIDELITY_ITEM_COUNT,
  FIDELITY_SECTIONS,
  fidelityBand,
  NEXT_REVIEW_RULE,
  nextReview,
  REVIEW_TYPE_NAMES,
  REVIEW_TYPES,
} from '../../fidelity/fidelity-scale.ts';
import {
  type FidelityReview,
  findFidelityReview,
  recordFidelityReview,
  reviewsOfServices,
} from '../../fidelity/fidelity-store.ts';
import { findService, servicePlace, servicesInArea } from '../../organisations/organisations.ts';
import { canRecordFidelityReviews, type Viewer } from '../../permissions/permissions.ts';
import { barChartSvg } from '../charts/bar-chart.ts';
import {
  choiceItems,
  DATE_PARTS,
  dateField,
  EMPTY_FORM,
  type FormState,
  readForm,
} from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import { areaOf } from '../organisations/organisations.ts';
import type { Services } from '../services.ts';

/**
 * IPS fidelity reviews: a service's history and next review due, the form its manager records a
 * review with, and the fidelity dashboard of an area (each service's latest band, reviews overdue).
 */

const itemField = (index: number, name: string) =>
  z.enum(['1', '2', '3', '4', '5'], { error: `Select a score for item ${index + 1}, ${name}` });

const ITEM_FIELDS = FIDELITY_SECTIONS.flatMap(({ items }) => items).map((name, index) => ({
  id: `item${index + 1}`,
  number: index + 1,
  name,
}));

/** The form as of `today`: a review is recorded once held, so its date is today or before. */
const reviewForm = (today: IsoDate) =>
  z.object({
    reviewDate: dateField('the date of the review').refine((date) => date <= today, {
      message: `The date of the review must be today (${formatDate(today)}) or earlier`,
      params: { dateParts: DATE_PARTS },
    }),
    reviewType: z.enum(REVIEW_TYPES, { error: 'Select the type of review' }),
    reviewerOrganisation: z
      .string()
      .trim()
      .min(1, 'Enter the organisation that carried out the review')
      .max(200, 'The reviewer organisation must be 200 characters or fewer'),
    ...Object.fromEntries(
      ITEM_FIELDS.map(({ id, number, name }) => [id, itemField(number - 1, name)]),
    ),
    actionPlan: z.string().trim().max(10_000, 'The action plan must be 10,000 characters or fewer'),
  });

/** The history page's link after a review is recorded says so. */
const historyQuery = z.object({ recorded: z.string().optional().catch(undefined) }).catch({});

function reviewRow(review: FidelityReview, serviceId: number) {
  return {
    href: `/services/${serviceId}/fidelity/${review.id}`,
    date: formatDate(review.reviewDate),
    type: REVIEW_TYPE_NAMES[review.reviewType],
    reviewer: review.reviewerOrganisation,
    total: review.total,
    band: FIDELITY_BAND_NAMES[fidelityBand(review.total)],
  };
}

function nextReviewText(reviews: readonly FidelityReview[], today: string) {
  const next = nextReview(reviews, today);
  const what = next.type === 'independent' ? 'An independent review' : 'A review (self-assessment)';
  return {
    overdue: next.overdue,
    text:
      next.due === null
        ? 'No review recorded: an independent review is due now'
        : `${what} is due by ${formatDate(next.due)}${next.overdue ? ': overdue' : ''}`,
  };
}

export function fidelityHandlers(services: Services) {
  const { database, clock } = services;

  async function showForm(request: FastifyRequest, reply: FastifyReply, form: FormState) {
    const service = await findService(database, idParameter(request.params, 'serviceId'));
    if (service === null) throw notFound();
    return reply.page('fidelity/review-form.njk', {
      title: `Record a fidelity review of ${service.name}`,
      service,
      form,
      typeItems: choiceItems(
        REVIEW_TYPES.map((type) => ({ value: type, text: REVIEW_TYPE_NAMES[type] })),
        form.values.reviewType,
      ),
      sections: FIDELITY_SECTIONS.map(({ name, items }) => ({
        name,
        items: ITEM_FIELDS.filter((field) => (items as readonly string[]).includes(field.name)).map(
          (field) => ({
            ...field,
            scoreItems: choiceItems(
              ['1', '2', '3', '4', '5'].map((score) => ({ value: score, text: score })),
              form.values[field.id],
            ),
          }),
        ),
      })),
      backHref: `/services/${service.id}/fidelity`,
    });
  }

  return {
    async history(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const service = await findService(database, idParameter(request.params, 'serviceId'));
      if (service === null) throw notFound();
      const reviews = await reviewsOfServices(database, [service.id]);
      const oldestFirst = [...reviews].reverse();
      const latest = reviews[0];
      return reply.page('fidelity/service-fidelity.njk', {
        title: `IPS fidelity reviews of ${service.name}`,
        width: 'full',
        service,
        latest: latest ? reviewRow(latest, service.id) : null,
        next: nextReviewText(reviews, londonToday(clock())),
        nextRule: NEXT_REVIEW_RULE,
        bandRule: FIDELITY_BAND_RULE,
        rows: reviews.map((review) => reviewRow(review, service.id)),
        chart:
          reviews.length > 0
            ? barChartSvg(
                `${service.name}: fidelity score by review`,
                oldestFirst.map((review) => formatDate(review.reviewDate)),
                [
                  {
                    name: 'Total score (out of 125)',
                    values: oldestFirst.map(({ total }) => total),
                  },
                ],
              )
            : null,
        canRecord: canRecordFidelityReviews(viewer, await servicePlace(database, service.id)),
        notice:
          historyQuery.parse(request.query ?? {}).recorded === '1'
            ? 'Fidelity review recorded'
            : undefined,
      });
    },

    async review(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const service = await findService(database, serviceId);
      const review = await findFidelityReview(
        database,
        serviceId,
        idParameter(request.params, 'reviewId'),
      );
      if (service === null || review === null) throw notFound();
      return reply.page('fidelity/review.njk', {
        title: `Fidelity review of ${service.name}, ${formatDate(review.reviewDate)}`,
        service,
        review: { ...reviewRow(review, serviceId), actionPlan: review.actionPlan },
        recordedBy: review.recordedBy ?? 'A removed account',
        recordedAt: review.recordedAt,
        sections: FIDELITY_SECTIONS.map(({ name, items }) => ({
          name,
          items: items.map((item) => {
            const index = ITEM_FIELDS.findIndex((field) => field.name === item);
            return { number: index + 1, name: item, score: review.itemScores[index] };
          }),
        })),
        backHref: `/services/${serviceId}/fidelity`,
      });
    },

    showForm: (request: FastifyRequest, reply: FastifyReply) =>
      showForm(request, reply, EMPTY_FORM),

    async record(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const read = readForm(reviewForm(londonToday(clock())), request.body);
      if (!read.ok) return showForm(request, reply.code(400), read.form);
      const values = read.value as Record<string, string>;
      const itemScores = ITEM_FIELDS.map(({ id }) => Number(values[id]));
      if (itemScores.length !== FIDELITY_ITEM_COUNT) throw new Error('The scale has 25 items');
      await recordFidelityReview(
        database,
        {
          serviceId,
          reviewDate: read.value.reviewDate,
          reviewType: read.value.reviewType,
          reviewerOrganisation: read.value.reviewerOrganisation,
          itemScores,
          actionPlan: read.value.actionPlan,
        },
        request.viewer?.accountId ?? 0,
        clock(),
      );
      return reply.redirect(`/services/${serviceId}/fidelity?recorded=1`);
    },

    async area(request: FastifyRequest, reply: FastifyReply) {
      const area = await areaOf(services, request);
      const today = londonToday(clock());
      const inArea = await servicesInArea(database, area.place);
      const reviews = await reviewsOfServices(
        database,
        inArea.map(({ id }) => id),
      );
      const rows = inArea.map((service) => {
        const own = reviews.filter((review) => review.serviceId === service.id);
        const latest = own[0];
        return {
          service,
          latest: latest ? reviewRow(latest, service.id) : null,
          band: latest ? fidelityBand(latest.total) : null,
          next: nextReviewText(own, today),
        };
      });
      const bandCounts = FIDELITY_BANDS.map((band) => ({
        band: FIDELITY_BAND_NAMES[band],
        count: rows.filter((row) => row.band === band).length,
      }));
      const notReviewed = rows.filter((row) => row.band === null).length;
      return reply.page('fidelity/area-fidelity.njk', {
        title: `IPS fidelity in ${area.name}`,
        width: 'full',
        area,
        rows,
        overdue: rows.filter((row) => row.next.overdue).length,
        bandCounts,
        notReviewed,
        bandRule: FIDELITY_BAND_RULE,
        nextRule: NEXT_REVIEW_RULE,
        chart: barChartSvg(
          `${area.name}: services by latest fidelity band`,
          [...bandCounts.map(({ band }) => band), 'No review recorded'],
          [{ name: 'Services', values: [...bandCounts.map(({ count }) => count), notReviewed] }],
        ),
      });
    },
  };
}
