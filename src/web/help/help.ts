import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDateTime, formatInstantDate } from '../../calendar/nhs-dates.ts';
import {
  FIDELITY_BAND_RULE,
  FIDELITY_SECTIONS,
  NEXT_REVIEW_RULE,
} from '../../fidelity/fidelity-scale.ts';
import {
  allResources,
  findResource,
  problemReports,
  reportProblem,
  resolveProblem,
  saveResource,
  slugTaken,
} from '../../help/help-store.ts';
import { renderMarkdown } from '../../help/markdown.ts';
import { BENCHMARK_RATES } from '../../metrics/benchmarks.ts';
import { METRIC_DEFINITIONS } from '../../metrics/definitions.ts';
import { UPLOAD_DUE_DAY } from '../../metrics/guidance.ts';
import { TARGET_STATUS_RULE } from '../../metrics/targets.ts';
import type { Viewer } from '../../permissions/permissions.ts';
import { AUTO_FIGURES } from '../../returns/return-content.ts';
import { columnRule, REQUIREMENT_NAMES } from '../../spreadsheet/column-rules.ts';
import { LISTS } from '../../spreadsheet/lists.ts';
import { COLUMNS } from '../../spreadsheet/registry.ts';
import { templateCsv, templateWorkbook } from '../../spreadsheet/template/template-workbook.ts';
import { EMPTY_FORM, type FormState, formWithErrors, readForm } from '../forms.ts';
import { databaseId, idParameter, notFound, routeParameters } from '../http-errors.ts';
import type { Services } from '../services.ts';

/**
 * Help and resources: the spreadsheet guidance and template (public), the user guide, FAQs and
 * "How each figure is counted" (from the same definitions as the dashboards’ (?) links), pages administrators
 * write in Markdown, and "Report a problem".
 */

/** A page's address: lower-case words joined by hyphens. */
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const resourceParameters = z.object({ slug: z.string().regex(SLUG) });
/** A resource's id, or none for a new one. */
const savedResourceParameters = z.object({ resourceId: databaseId.optional() });
const problemQuery = z.object({ from: z.string().max(500).optional() });

const resourceForm = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'Enter a title')
      .max(200, 'The title must be 200 characters or fewer'),
    slug: z
      .string()
      .trim()
      .regex(
        SLUG,
        'Enter the page address as lower-case words joined by hyphens, like uploading-tips',
      ),
    kind: z.enum(['page', 'link'], { error: 'Select a page or a link' }),
    body: z.string().max(50_000, 'The page must be 50,000 characters or fewer'),
    url: z.string().trim(),
  })
  .refine((form) => form.kind !== 'link' || /^https:\/\/\S+$/.test(form.url), {
    path: ['url'],
    message: 'Enter the link as a web address starting https://',
  })
  .refine((form) => form.kind !== 'page' || form.body.trim() !== '', {
    path: ['body'],
    message: 'Enter the text of the page',
  });

const problemForm = z.object({
  description: z
    .string()
    .trim()
    .min(1, 'Describe the problem')
    .max(5000, 'The description must be 5,000 characters or fewer'),
  page: z.string().max(500).optional(),
});

/** A path on this site to say where the problem was; anything else is not kept. */
function pagePath(text: string | undefined): string {
  const path = (text ?? '').split('?')[0] ?? '';
  return /^\/[A-Za-z0-9/_-]*$/.test(path) ? path : '';
}

export function helpHandlers(services: Services) {
  const { database, clock } = services;

  async function showResourceForm(reply: FastifyReply, form: FormState, id: number | null) {
    return reply.page('help/resource-form.njk', {
      title: id === null ? 'Add a help resource' : 'Change a help resource',
      form,
      action: id === null ? '/admin/resources' : `/admin/resources/${id}`,
      kindItems: [
        {
          value: 'page',
          text: 'A page written here (Markdown)',
          checked: form.values.kind !== 'link',
        },
        {
          value: 'link',
          text: 'A link to a resource elsewhere',
          checked: form.values.kind === 'link',
        },
      ],
      backHref: '/admin/resources',
    });
  }

  async function showProblemForm(
    request: FastifyRequest,
    reply: FastifyReply,
    form: FormState = EMPTY_FORM,
  ) {
    const query = readForm(problemQuery, request.query);
    const sent = form.values.page;
    const from = pagePath(
      (query.ok ? query.value.from : undefined) ?? (typeof sent === 'string' ? sent : undefined),
    );
    return reply.page('help/report-a-problem.njk', {
      title: 'Report a problem',
      form,
      from,
    });
  }

  return {
    spreadsheet(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('help/spreadsheet.njk', {
        title: 'Spreadsheet columns and validation',
        width: 'full',
        columns: COLUMNS.map((column) => ({
          heading: column.heading,
          aliases: column.aliases.join(', '),
          requirement: REQUIREMENT_NAMES[column.requirement],
          rule: columnRule(column),
        })),
        lists: Object.values(LISTS).map((list) => ({ name: list.name, values: list.values })),
      });
    },

    templateXlsx(_request: FastifyRequest, reply: FastifyReply) {
      return reply
        .header('Content-Disposition', 'attachment; filename="ips-standard-spreadsheet.xlsx"')
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .send(Buffer.from(templateWorkbook()));
    },

    templateCsv(_request: FastifyRequest, reply: FastifyReply) {
      return reply
        .header('Content-Disposition', 'attachment; filename="ips-standard-spreadsheet.csv"')
        .type('text/csv; charset=utf-8')
        .send(templateCsv());
    },

    figures(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('help/figures.njk', {
        title: 'How each figure is counted',
        metrics: METRIC_DEFINITIONS,
        targetRule: TARGET_STATUS_RULE,
        bandRule: FIDELITY_BAND_RULE,
        nextReviewRule: NEXT_REVIEW_RULE,
        fidelitySections: FIDELITY_SECTIONS,
        benchmarks: BENCHMARK_RATES.map(({ name, rule }) => ({ name, rule })),
        returnFigures: AUTO_FIGURES,
        uploadDueDay: UPLOAD_DUE_DAY,
      });
    },

    guide(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('help/guide.njk', { title: 'User guide' });
    },

    faqs(_request: FastifyRequest, reply: FastifyReply) {
      return reply.page('help/faqs.njk', {
        title: 'Frequently asked questions',
        uploadDueDay: UPLOAD_DUE_DAY,
      });
    },

    async resources(_request: FastifyRequest, reply: FastifyReply) {
      const resources = await allResources(database);
      return reply.page('help/resources.njk', {
        title: 'Resources',
        resources: resources.map((resource) => ({
          ...resource,
          href: resource.kind === 'link' ? resource.url : `/help/resources/${resource.slug}`,
          updated: formatInstantDate(resource.updatedAt),
        })),
      });
    },

    async resource(request: FastifyRequest, reply: FastifyReply) {
      const { slug } = routeParameters(resourceParameters, request.params);
      const resource = await findResource(database, { slug });
      if (resource === null || resource.kind !== 'page') throw notFound();
      return reply.page('help/resource.njk', {
        title: resource.title,
        resource,
        html: renderMarkdown(resource.body),
        updated: formatInstantDate(resource.updatedAt),
        backHref: '/help/resources',
      });
    },

    showProblemForm: (request: FastifyRequest, reply: FastifyReply) =>
      showProblemForm(request, reply),

    async reportProblem(request: FastifyRequest, reply: FastifyReply) {
      const read = readForm(problemForm, request.body);
      if (!read.ok) return showProblemForm(request, reply.code(400), read.form);
      await reportProblem(
        database,
        {
          accountId: request.viewer?.accountId ?? 0,
          page: pagePath(read.value.page) || '(not given)',
          description: read.value.description,
        },
        clock(),
      );
      return reply.page('help/problem-reported.njk', { title: 'Problem reported' });
    },

    async adminResources(_request: FastifyRequest, reply: FastifyReply) {
      const resources = await allResources(database);
      return reply.page('help/admin-resources.njk', {
        title: 'Help resources',
        resources: resources.map((resource) => ({
          ...resource,
          updated: formatInstantDate(resource.updatedAt),
        })),
        backHref: '/admin',
      });
    },

    newResource: (_request: FastifyRequest, reply: FastifyReply) =>
      showResourceForm(reply, EMPTY_FORM, null),

    async editResource(request: FastifyRequest, reply: FastifyReply) {
      const id = idParameter(request.params, 'resourceId');
      const resource = await findResource(database, { id });
      if (resource === null) throw notFound();
      return showResourceForm(
        reply,
        { ...EMPTY_FORM, values: { ...resource, url: resource.url ?? '' } },
        id,
      );
    },

    async saveResource(request: FastifyRequest, reply: FastifyReply) {
      const id = routeParameters(savedResourceParameters, request.params).resourceId ?? null;
      if (id !== null && (await findResource(database, { id })) === null) throw notFound();
      const read = readForm(resourceForm, request.body);
      if (!read.ok) return showResourceForm(reply.code(400), read.form, id);
      if (await slugTaken(database, read.value.slug, id)) {
        return showResourceForm(
          reply.code(400),
          formWithErrors(request.body, {
            slug: { text: 'Another resource already has this address' },
          }),
          id,
        );
      }
      const { kind } = read.value;
      await saveResource(
        database,
        id,
        {
          slug: read.value.slug,
          title: read.value.title,
          kind,
          body: kind === 'page' ? read.value.body : '',
          url: kind === 'link' ? read.value.url : null,
        },
        request.viewer?.accountId ?? 0,
        clock(),
      );
      return reply.redirect('/admin/resources');
    },

    async problemReports(_request: FastifyRequest, reply: FastifyReply) {
      const reports = await problemReports(database);
      return reply.page('help/admin-problem-reports.njk', {
        title: 'Reported problems',
        width: 'full',
        reports: reports.map((report) => ({
          ...report,
          reported: formatDateTime(report.reportedAt),
          resolved: report.resolvedAt ? formatInstantDate(report.resolvedAt) : null,
        })),
        backHref: '/admin',
      });
    },

    async resolveProblem(request: FastifyRequest, reply: FastifyReply) {
      await resolveProblem(
        database,
        idParameter(request.params, 'reportId'),
        (request.viewer as Viewer).accountId,
        clock(),
      );
      return reply.redirect('/admin/problem-reports');
    },
  };
}
