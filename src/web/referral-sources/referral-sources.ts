import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findService, findTeam } from '../../organisations/organisations.ts';
import {
  saveServiceReferralSources,
  serviceReferralSources,
} from '../../organisations/service-referral-sources.ts';
import type { Viewer } from '../../permissions/permissions.ts';
import {
  checkReferralSources,
  MOST_REFERRAL_SOURCES,
  NATIONAL_REFERRAL_SOURCE_CATEGORIES,
  NOT_ON_SERVICE_LIST,
  type ServiceReferralSource,
} from '../../spreadsheet/referral-sources.ts';
import { templateWorkbook } from '../../spreadsheet/template/template-workbook.ts';
import { EMPTY_FORM, type FormState, formWithErrors } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

/**
 * A service's referral sources (docs/SPREADSHEET.md, "Referral sources"): its manager lists them,
 * each with its national category; the next upload of any of its teams is read against them, and
 * the service's template offers them on its cover sheet.
 */

/** Blank rows offered below the list, to add sources. */
const BLANK_ROWS = 5;

const row = (index: number) => ({
  // Anything but text is a blank row; checkReferralSources says what is wrong with the text.
  [`name${index}`]: z.string().catch(''),
  [`category${index}`]: z.string().catch(''),
});
// A row for each source a service may list: the form has no more, and nothing past them is read.
const listForm = z.object(
  Object.assign({}, ...Array.from({ length: MOST_REFERRAL_SOURCES }, (_, index) => row(index))),
) as z.ZodType<Record<string, string>>;

const valuesOf = (sources: readonly { name: string; category: string }[]) =>
  Object.fromEntries(
    sources.flatMap((source, index) => [
      [`name${index}`, source.name],
      [`category${index}`, source.category],
    ]),
  );

/** As a template for one service downloads it: its cover lists the service's sources. */
function sendTemplate(reply: FastifyReply, sources: readonly ServiceReferralSource[]) {
  return reply
    .header('Content-Disposition', 'attachment; filename="ips-standard-spreadsheet.xlsx"')
    .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
    .send(Buffer.from(templateWorkbook(sources)));
}

export function referralSourceHandlers(services: Services) {
  const { database } = services;

  async function show(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState = EMPTY_FORM,
    rowsEntered = 0,
  ) {
    const service = await findService(database, idParameter(request.params, 'serviceId'));
    if (service === null) throw notFound();
    const sources = await serviceReferralSources(database, service.id);
    const values = form === EMPTY_FORM ? valuesOf(sources) : form.values;
    const shown = Math.min(
      MOST_REFERRAL_SOURCES,
      Math.max(sources.length, rowsEntered) + BLANK_ROWS,
    );
    const saved = z.object({ saved: z.literal('1') }).safeParse(request.query).success;
    return reply.page('referral-sources/referral-sources.njk', {
      title: `Referral sources for ${service.name}`,
      service,
      form: { ...form, values },
      categories: NATIONAL_REFERRAL_SOURCE_CATEGORIES,
      notOnList: NOT_ON_SERVICE_LIST,
      most: MOST_REFERRAL_SOURCES,
      rows: Array.from({ length: shown }, (_, index) => ({
        number: index + 1,
        name: `name${index}`,
        category: `category${index}`,
        categoryItems: [
          { value: '', text: 'Choose a national category' },
          ...NATIONAL_REFERRAL_SOURCE_CATEGORIES.map((category) => ({
            value: category,
            text: category,
            selected: values[`category${index}`] === category,
          })),
        ],
      })),
      notice: saved
        ? 'Referral sources saved: the next upload of each team is read against them'
        : undefined,
    });
  }

  return {
    show: (request: FastifyRequest, reply: FastifyReply) => show(request, reply),

    async save(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      if ((await findService(database, serviceId)) === null) throw notFound();
      const read = listForm.safeParse(request.body ?? {});
      if (!read.success) {
        // Not this page's form (a JSON array, a bare string): the saved list is shown again.
        const saved = valuesOf(await serviceReferralSources(database, serviceId));
        const unread = formWithErrors(saved, {
          name0: { text: 'The referral sources could not be read: save them from this page' },
        });
        return show(request, reply.code(400), unread);
      }
      const posted = read.data;
      const entered = Array.from({ length: MOST_REFERRAL_SOURCES }, (_, index) => ({
        name: posted[`name${index}`] ?? '',
        category: posted[`category${index}`] ?? '',
      }));
      const checked = checkReferralSources(entered);
      if ('problems' in checked) {
        const errors = Object.fromEntries(
          checked.problems.map(({ row: index, field, message }) => [
            `${field}${index}`,
            { text: `Referral source ${index + 1}: ${message}` },
          ]),
        );
        const lastEntered = entered.findLastIndex(({ name, category }) => name || category);
        return show(request, reply.code(400), formWithErrors(posted, errors), lastEntered + 1);
      }
      await saveServiceReferralSources(services, {
        serviceId,
        // The route's gate lets only a signed-in viewer through.
        accountId: (request.viewer as Viewer).accountId,
        sources: checked.sources,
      });
      return reply.redirect(`/services/${serviceId}/referral-sources?saved=1`);
    },

    async serviceTemplate(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      if ((await findService(database, serviceId)) === null) throw notFound();
      return sendTemplate(reply, await serviceReferralSources(database, serviceId));
    },

    async teamTemplate(request: FastifyRequest, reply: FastifyReply) {
      const team = await findTeam(database, idParameter(request.params, 'teamId'));
      if (team === null) throw notFound();
      return sendTemplate(reply, await serviceReferralSources(database, team.serviceId));
    },
  };
}
