import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../calendar/london-today.ts';
import { formatDate, formatDateTime } from '../../calendar/nhs-dates.ts';
import { REVIEW_TYPE_NAMES, REVIEW_TYPES } from '../../fidelity/fidelity-scale.ts';
import {
  findIcs,
  findService,
  type Team,
  teamsOfService,
} from '../../organisations/organisations.ts';
import {
  canSetReturnDeadlines,
  canSubmitReturn,
  canViewReturn,
  type ServicePlace,
  type Viewer,
} from '../../permissions/permissions.ts';
import {
  labelOf,
  parseQuarter,
  type Quarter,
  quarterId,
  quarterOf,
  recentQuarters,
} from '../../returns/quarters.ts';
import {
  AUTO_FIGURES,
  changedRows,
  checkReturn,
  FUNDING_WAVE_NAMES,
  FUNDING_WAVES,
  NARRATIVE_FIELDS,
  type Problem,
  type ReturnContent,
  type ReturnForm,
  ROLL_UP_FIELDS,
  returnRows,
  rollUp,
  WORKFORCE_FIELDS,
} from '../../returns/return-content.ts';
import { areaRollUps, figuresFromData, startingDraft } from '../../returns/return-drafts.ts';
import {
  findReturn,
  listingStatus,
  type ReturnKey,
  type ReturnListing,
  returnDeadline,
  returnsInArea,
  saveDraft,
  setReturnDeadline,
  statusOf,
  submitReturn,
} from '../../returns/return-store.ts';
import type { CellValue } from '../../spreadsheet/cells.ts';
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import {
  choiceItems,
  DATE_PARTS,
  dateError,
  dateField,
  datePartsOf,
  EMPTY_FORM,
  type FieldError,
  type FormState,
  fieldsOf,
  readDate,
  readForm,
} from '../forms.ts';
import { databaseId, forbidden, idParameter, notFound, routeParameters } from '../http-errors.ts';
import { printHeader, printsLandscape } from '../layout/print-header.ts';
import { areaOf } from '../organisations/organisations.ts';
import type { Services } from '../services.ts';

/**
 * NHS England quarterly returns: the service manager's draft → preview → submit, as often as
 * needed (each submission a version); readers' view of the latest with its history; the area's
 * status list, roll-ups and exports; the national lead's deadline.
 */

interface ReturnScope {
  readonly key: ReturnKey;
  readonly quarter: Quarter;
  readonly serviceName: string;
  readonly icsName: string;
  readonly teams: readonly Team[];
  readonly place: ServicePlace;
  readonly base: string;
}

const areaQuery = z.object({
  quarter: z.string().optional().catch(undefined),
  format: z.enum(['csv', 'xlsx']).optional().catch(undefined),
});
/** After "Save as draft": the edit page says so. */
const editQuery = z.object({
  saved: z
    .unknown()
    .optional()
    .transform((value) => value === '1'),
});
const returnParameters = z.object({
  serviceId: databaseId,
  icsId: databaseId,
  quarter: z.string(),
});
/** The edit form's buttons: save as draft, or save and preview. */
const returnAction = z.object({ action: z.string().optional().catch(undefined) });
/** The digest of the content the preview showed, sent back with Submit. */
const submission = z.object({ previewed: z.string().optional().catch(undefined) });
const deadlineForm = z.object({ deadline: dateField('the deadline') });

const submittedQuery = z.object({
  version: z
    .string()
    .optional()
    .catch(undefined)
    .transform((text) => Number(text)),
});

const formatted = (date: Date | null) => (date === null ? '' : formatDateTime(date));

/** The review date, the one date the return form asks for. */
const REVIEW_DATE = 'fidelityDate';

/**
 * A problem as its field shows it. A problem with the review date marks the boxes at fault,
 * read again from what was typed so the message says which part is missing or wrong.
 */
function fieldErrorOf(values: ReturnForm, { field, text }: Problem): FieldError {
  if (field !== REVIEW_DATE) return { text };
  const read = readDate(datePartsOf(values, REVIEW_DATE), 'the date of the latest fidelity review');
  return 'date' in read ? dateError(text) : read;
}

function formState(values: ReturnForm, problems: readonly Problem[]): FormState {
  const errors = Object.fromEntries(
    problems.map((problem) => [problem.field, fieldErrorOf(values, problem)]),
  );
  return {
    values,
    errors,
    errorList: Object.entries(errors).map(([field, { text, dateParts }]) => ({
      text,
      href: dateParts?.[0] ? `#${field}-${dateParts[0]}` : `#${field}`,
    })),
  };
}

/**
 * The review date as the return keeps it: YYYY-MM-DD when its boxes make a real date, as typed
 * (which the check refuses) when they do not. A date posted whole is kept as it came.
 */
function reviewDateOf(posted: Readonly<Record<string, unknown>>): Record<string, string> {
  const parts = datePartsOf(posted, REVIEW_DATE);
  if (Object.values(parts).every((part) => part === undefined)) {
    const whole = posted[REVIEW_DATE];
    return { [REVIEW_DATE]: typeof whole === 'string' ? whole.slice(0, 20) : '' };
  }
  const typed = Object.fromEntries(
    DATE_PARTS.map((part) => {
      const value = parts[part];
      return [`${REVIEW_DATE}-${part}`, typeof value === 'string' ? value.slice(0, 20) : ''];
    }),
  );
  const read = readDate(parts, 'the date of the latest fidelity review');
  const date =
    'date' in read
      ? (read.date ?? '')
      : DATE_PARTS.map((part) => typed[`${REVIEW_DATE}-${part}`]).join('/');
  return { ...typed, [REVIEW_DATE]: date };
}

/** The form's fields only: never the CSRF token or the button pressed. */
function draftOf(body: unknown): ReturnForm {
  const posted = fieldsOf(body);
  const fields = [
    ...AUTO_FIGURES.flatMap(({ id }) => [`figure-${id}`, `reason-${id}`]),
    'averageWeeklyHours',
    'carriedOver',
    ...NARRATIVE_FIELDS.map(({ id }) => id),
    ...WORKFORCE_FIELDS.map(({ id }) => id),
    'fidelityType',
    'fidelityScore',
    'fundingWave',
  ];
  return {
    ...Object.fromEntries(
      fields.map((field) => {
        const value = posted[field];
        return [field, typeof value === 'string' ? value.slice(0, 6000) : ''];
      }),
    ),
    ...reviewDateOf(posted),
  };
}

/** What a preview showed, so a submission can tell it is sending the same return. */
const contentDigest = (content: ReturnContent) =>
  createHash('sha256').update(JSON.stringify(content)).digest('hex');

export function returnHandlers(services: Services) {
  const { database, clock } = services;

  async function scopeOf(request: FastifyRequest): Promise<ReturnScope> {
    const {
      serviceId,
      icsId,
      quarter: quarterText,
    } = routeParameters(returnParameters, request.params);
    const quarter = parseQuarter(quarterText);
    const service = await findService(database, serviceId);
    const ics = await findIcs(database, icsId);
    if (quarter === null || service === null || ics === null || ics.place.type !== 'ics')
      throw notFound();
    // A return is for a quarter that has begun: a later one has no figures to give.
    if (quarterId(quarter) > quarterId(quarterOf(londonToday(clock())))) throw notFound();
    const teams = (await teamsOfService(database, serviceId)).filter(
      (team) => team.icsId === icsId,
    );
    // A return is for an ICS the service works in.
    if (teams.length === 0) throw notFound();
    const id = quarterId(quarter);
    return {
      key: { serviceId, icsId, quarter: id },
      quarter,
      serviceName: service.name,
      icsName: ics.name,
      teams,
      place: { serviceId, icsIds: [icsId], regionIds: [ics.place.regionId] },
      base: `/services/${serviceId}/returns/${icsId}/${id}`,
    };
  }

  /** The data's figures for the quarter, or null when the service has no records for these teams. */
  const figuresOf = (scope: ReturnScope) =>
    figuresFromData(
      services,
      scope.teams.map((team) => team.id),
      scope.quarter,
    );

  function showPreview(
    reply: FastifyReply,
    scope: ReturnScope,
    stored: Awaited<ReturnType<typeof findReturn>>,
    content: ReturnContent,
    changedSincePreview: boolean,
  ) {
    const latest = stored?.versions[0];
    return reply.page('returns/preview.njk', {
      title: `Check the return before you submit it: ${scope.serviceName}, ${labelOf(scope.quarter)}`,
      ...heading(scope),
      printHeader: printHeader(
        clock(),
        returnScopeName(scope),
        `Quarterly return (not submitted), ${labelOf(scope.quarter)}`,
        formatDate(londonToday(clock())),
      ),
      sections: sectionsOf(returnRows(content)),
      changes: latest ? changedRows(latest.content, content) : null,
      previewed: contentDigest(content),
      changedSincePreview,
      backHref: `${scope.base}/edit`,
    });
  }

  const returnScopeName = (scope: ReturnScope) => `${scope.serviceName}, ${scope.icsName}`;

  const heading = (scope: ReturnScope) => ({
    serviceName: scope.serviceName,
    icsName: scope.icsName,
    quarterLabel: labelOf(scope.quarter),
    base: scope.base,
  });

  async function showEdit(
    reply: FastifyReply,
    scope: ReturnScope,
    draft: ReturnForm,
    problems: readonly Problem[] = [],
    notice?: string,
  ) {
    const auto = await figuresOf(scope);
    const stored = await findReturn(database, scope.key);
    return reply.page('returns/edit.njk', {
      title: `Quarterly return: ${scope.serviceName}, ${labelOf(scope.quarter)}`,
      ...heading(scope),
      status: statusOf(stored),
      form: formState(draft, problems),
      hasData: auto !== null,
      figures: AUTO_FIGURES.map(({ id, name }) => ({ id, name, auto: auto?.[id] ?? null })),
      narrative: NARRATIVE_FIELDS,
      workforce: WORKFORCE_FIELDS,
      typeItems: choiceItems(
        [
          { value: '', text: 'None' },
          ...REVIEW_TYPES.map((type) => ({ value: type, text: REVIEW_TYPE_NAMES[type] })),
        ],
        draft.fidelityType ?? '',
        'selected',
      ),
      waveItems: choiceItems(
        FUNDING_WAVES.map((wave) => ({ value: wave, text: FUNDING_WAVE_NAMES[wave] })),
        draft.fundingWave,
      ),
      backHref: `/services/${scope.key.serviceId}/returns`,
      notice,
    });
  }

  /** The rows of a return by section, as the view, preview and print show them. */
  const sectionsOf = (rows: ReturnType<typeof returnRows>) =>
    [...new Set(rows.map(({ section }) => section))].map((section) => ({
      name: section,
      rows: rows.filter((row) => row.section === section),
    }));

  async function areaListings(request: FastifyRequest, quarter: string) {
    const area = await areaOf(services, request);
    return { area, listings: await returnsInArea(database, area.place, quarter) };
  }

  function chosenQuarter(request: FastifyRequest): Quarter {
    const text = areaQuery.parse(request.query ?? {}).quarter ?? '';
    // The quarter just ended is the one being returned.
    return parseQuarter(text) ?? (recentQuarters(londonToday(clock()))[1] as Quarter);
  }

  function statusText(listing: ReturnListing) {
    const status = listingStatus(listing);
    if (status === 'submitted') return `Submitted (version ${listing.version})`;
    return status === 'draft' ? 'Draft' : 'Not started';
  }

  return {
    /** The service manager's returns: each recent quarter for each ICS the service works in. */
    async list(request: FastifyRequest, reply: FastifyReply) {
      const serviceId = idParameter(request.params, 'serviceId');
      const service = await findService(database, serviceId);
      if (service === null) throw notFound();
      const quarters = recentQuarters(londonToday(clock()));
      const rows = [];
      for (const quarter of quarters) {
        for (const listing of await returnsInArea(
          database,
          { type: 'national' },
          quarterId(quarter),
          serviceId,
        )) {
          rows.push({
            quarter: labelOf(quarter),
            icsName: listing.icsName,
            status: statusText(listing),
            changed: formatted(listing.draftChangedAt),
            deadline: await returnDeadline(database, quarterId(quarter)),
            href: `/services/${serviceId}/returns/${listing.icsId}/${quarterId(quarter)}`,
          });
        }
      }
      return reply.page('returns/list.njk', {
        title: `Quarterly returns for ${service.name}`,
        width: 'full',
        service,
        rows,
      });
    },

    async edit(request: FastifyRequest, reply: FastifyReply) {
      const scope = await scopeOf(request);
      const stored = await findReturn(database, scope.key);
      const { saved } = editQuery.parse(request.query ?? {});
      return showEdit(
        reply,
        scope,
        stored?.draft ?? (await startingDraft(services, scope.key.serviceId, scope.quarter)),
        [],
        saved ? 'Draft saved' : undefined,
      );
    },

    async save(request: FastifyRequest, reply: FastifyReply) {
      const scope = await scopeOf(request);
      const draft = draftOf(request.body);
      const accountId = request.viewer?.accountId ?? 0;
      await saveDraft(database, scope.key, draft, accountId, clock());
      if (request.headers['x-autosave'] === '1') return reply.code(204).send();
      const { action } = returnAction.parse(request.body ?? {});
      if (action !== 'preview') return reply.redirect(`${scope.base}/edit?saved=1`);
      const checked = checkReturn(draft, await figuresOf(scope), scope.quarter);
      if (!checked.ok) return showEdit(reply.code(400), scope, draft, checked.problems);
      return reply.redirect(`${scope.base}/preview`);
    },

    async preview(request: FastifyRequest, reply: FastifyReply) {
      const scope = await scopeOf(request);
      const stored = await findReturn(database, scope.key);
      const checked = checkReturn(stored?.draft ?? {}, await figuresOf(scope), scope.quarter);
      if (!checked.ok) return reply.redirect(`${scope.base}/edit`);
      return showPreview(reply, scope, stored, checked.content, false);
    },

    async submit(request: FastifyRequest, reply: FastifyReply) {
      const scope = await scopeOf(request);
      const stored = await findReturn(database, scope.key);
      const checked = checkReturn(stored?.draft ?? {}, await figuresOf(scope), scope.quarter);
      if (!checked.ok) return reply.redirect(`${scope.base}/edit`);
      // The figures come from the data: an upload since the preview changes what would be sent,
      // so the return goes back to be checked rather than submitted unseen.
      const { previewed } = submission.parse(request.body ?? {});
      if (previewed !== contentDigest(checked.content)) {
        return showPreview(reply.code(409), scope, stored, checked.content, true);
      }
      const version = await submitReturn(
        database,
        scope.key,
        checked.content,
        request.viewer?.accountId ?? 0,
        clock(),
      );
      return reply.redirect(`${scope.base}/submitted?version=${version}`);
    },

    async submitted(request: FastifyRequest, reply: FastifyReply) {
      const scope = await scopeOf(request);
      const { version } = submittedQuery.parse(request.query ?? {});
      return reply.page('returns/submitted.njk', {
        title: 'Return submitted',
        ...heading(scope),
        version: Number.isInteger(version) && version > 0 ? version : null,
      });
    },

    /** The latest submitted version and the history; drafts only for those who may edit. */
    async view(request: FastifyRequest, reply: FastifyReply) {
      const scope = await scopeOf(request);
      const viewer = request.viewer as Viewer;
      const stored = await findReturn(database, scope.key);
      const submitted = (stored?.versions.length ?? 0) > 0;
      if (!canViewReturn(viewer, scope.place, submitted)) throw forbidden();
      const versions = stored?.versions ?? [];
      const latest = versions[0];
      return reply.page('returns/view.njk', {
        title: `Quarterly return: ${scope.serviceName}, ${labelOf(scope.quarter)}`,
        width: 'full',
        ...heading(scope),
        printHeader: printHeader(
          clock(),
          returnScopeName(scope),
          latest
            ? `Quarterly return, ${labelOf(scope.quarter)}, version ${latest.version}`
            : `Quarterly return, ${labelOf(scope.quarter)}`,
          latest ? formatted(latest.submittedAt) : null,
        ),
        status: statusOf(stored),
        canEdit: canSubmitReturn(viewer, scope.place),
        latest: latest
          ? {
              version: latest.version,
              submittedAt: formatted(latest.submittedAt),
              submittedBy: latest.submittedBy ?? 'A removed account',
              sections: sectionsOf(returnRows(latest.content)),
            }
          : null,
        history: versions.map((version, index) => {
          const earlier = versions[index + 1];
          return {
            version: version.version,
            submittedAt: formatted(version.submittedAt),
            submittedBy: version.submittedBy ?? 'A removed account',
            changes: earlier ? changedRows(earlier.content, version.content) : null,
          };
        }),
      });
    },

    area: (request: FastifyRequest, reply: FastifyReply) =>
      showArea(request, reply, chosenQuarter(request)),

    async setDeadline(request: FastifyRequest, reply: FastifyReply) {
      const body = (request.body ?? {}) as { quarter?: string };
      const quarter = parseQuarter(body.quarter ?? '');
      if (quarter === null) throw notFound();
      const read = readForm(deadlineForm, request.body);
      if (!read.ok) return showArea(request, reply.code(400), quarter, read.form);
      const { deadline } = read.value;
      await setReturnDeadline(
        database,
        quarterId(quarter),
        deadline,
        request.viewer?.accountId ?? 0,
        clock(),
      );
      return reply.redirect(`/areas/england/returns?quarter=${quarterId(quarter)}`);
    },
  };

  /** For ICS, regional and national leads: each return's status, the roll-ups, exports. */
  async function showArea(
    request: FastifyRequest,
    reply: FastifyReply,
    quarter: Quarter,
    form: FormState = EMPTY_FORM,
  ) {
    const viewer = request.viewer as Viewer;
    const id = quarterId(quarter);
    const { area, listings } = await areaListings(request, id);
    const suppress = services.config.suppressSmallNumbers;
    const rollUps = areaRollUps(listings, area, suppress);
    const { format } = areaQuery.parse(request.query ?? {});
    if (format === 'csv' || format === 'xlsx') {
      const head = [
        'Quarter',
        'Service',
        'ICS',
        'Region',
        'Status',
        ...ROLL_UP_FIELDS.map(({ name }) => name),
      ];
      const rows: CellValue[][] = listings.map((listing) => [
        labelOf(quarter),
        listing.serviceName,
        listing.icsName,
        listing.regionName,
        statusText(listing),
        ...(listing.content ? rollUp([listing.content], suppress) : ROLL_UP_FIELDS.map(() => '')),
      ]);
      const totals: CellValue[][] = rollUps.map(({ name, totals }) => [
        labelOf(quarter),
        name,
        '',
        '',
        'Total',
        ...totals,
      ]);
      const title = [`Quarterly returns, ${area.name}, ${labelOf(quarter)}`];
      const fileName = `quarterly-returns-${area.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${id}.${format}`;
      reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
      if (format === 'xlsx') {
        return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(
          Buffer.from(
            writeXlsx([{ name: 'Returns', rows: [title, [], head, ...rows, [], ...totals] }], {
              boldFirstRow: true,
            }),
          ),
        );
      }
      return reply
        .type('text/csv; charset=utf-8')
        .send(writeCsv(head, [...rows, ...totals], { neutraliseFormulas: true }));
    }
    const path = request.url.split('?')[0] ?? '';
    return reply.page('returns/area.njk', {
      title: `Quarterly returns in ${area.name}`,
      width: 'full',
      printHeader: printHeader(
        clock(),
        area.name,
        `Quarterly returns, ${labelOf(quarter)}`,
        formatDate(londonToday(clock())),
      ),
      printLandscape: printsLandscape(rollUps.length + 1),
      area,
      quarterLabel: labelOf(quarter),
      quarter: id,
      quarterItems: choiceItems(
        recentQuarters(londonToday(clock())).map((each) => ({
          value: quarterId(each),
          text: labelOf(each),
        })),
        id,
        'selected',
      ),
      deadline: await returnDeadline(database, id),
      canSetDeadline: area.place.type === 'national' && canSetReturnDeadlines(viewer),
      listings: listings.map((listing) => ({
        ...listing,
        status: statusText(listing),
        changed: formatted(listing.submittedAt ?? listing.draftChangedAt),
        href: listing.content
          ? `/services/${listing.serviceId}/returns/${listing.icsId}/${id}`
          : null,
      })),
      fields: ROLL_UP_FIELDS.map(({ name }) => name),
      rollUps,
      exports: {
        csv: `${path}?quarter=${id}&format=csv`,
        xlsx: `${path}?quarter=${id}&format=xlsx`,
      },
      form,
    });
  }
}
