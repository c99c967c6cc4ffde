import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { formatDate } from '../../calendar/nhs-dates.ts';
import { publishedCount, shownCount } from '../../dashboards/dashboard.ts';
import { drillLinks, type RecordsPages } from '../../dashboards/drill-links.ts';
import { drillOf, hasRecords } from '../../dashboards/drill-through.ts';
import {
  PERIOD_PRESET_NAMES,
  PERIOD_PRESETS,
  type Period,
  periodText,
} from '../../dashboards/period.ts';
import {
  DASHBOARD_VIEWS,
  type FigureScope,
  type Narrowing,
  scopeFigures,
} from '../../dashboards/scope-figures.ts';
import { METRIC_BY_ID } from '../../metrics/definitions.ts';
import {
  allTeams,
  areasAroundService,
  findService,
  findTeam,
  servicePlace,
  specialistsOfTeam,
  type Team,
  teamPlace,
  teamsOfService,
} from '../../organisations/organisations.ts';
import {
  canDrillThroughService,
  canDrillThroughTeam,
  canViewService,
  canViewSpecialists,
  canViewTeam,
  type Viewer,
} from '../../permissions/permissions.ts';
import type { CellValue } from '../../spreadsheet/cells.ts';
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { excelSheetNames, writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { barChartSvg } from '../charts/bar-chart.ts';
import {
  choiceItems,
  dateError,
  type FormState,
  fieldsOf,
  formWithErrors,
  optionalDateField,
  readForm,
} from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import { printHeader, printsLandscape } from '../layout/print-header.ts';
import { areaOf } from '../organisations/organisations.ts';
import type { Services } from '../services.ts';
import { type Section, VIEW_NAMES, viewContent } from './dashboard-views.ts';
import { targetText, yearEarlierText } from './headline-context.ts';
import { chartHeading, downloadName, pageSections } from './page-sections.ts';

const EMPLOYMENT_STATUSES = [
  { value: 'all', text: 'Everyone' },
  { value: 'out-of-work', text: 'Out of work at referral' },
  { value: 'in-work', text: 'In work at referral' },
] as const;

const filterForm = z.object({
  view: z.enum(DASHBOARD_VIEWS).catch('overview'),
  period: z.enum(PERIOD_PRESETS).catch('this-financial-year'),
  employmentStatus: z.enum(['all', 'out-of-work', 'in-work']).catch('all'),
  within: z.string().max(100).optional().catch(undefined),
});

/** A custom period's dates, typed in the date inputs or given whole in a link (`from=2025-04-01`). */
const customDates = z.object({
  from: optionalDateField('the start date'),
  to: optionalDateField('the end date'),
});

/** A download of the view instead of the page: its tables, or one of its charts. */
const exportForm = z.object({
  format: z.enum(['csv', 'xlsx', 'svg']).optional().catch(undefined),
  chart: z
    .string()
    .optional()
    .transform((text) => Number(text ?? 0)),
});

/** A team, service or area as its dashboard shows it, for this viewer. */
interface Scope extends Omit<FigureScope, 'groups'> {
  readonly caption: string;
  readonly groupNames: ReadonlyMap<string, { name: string; href: string | null }>;
  readonly suppressSmallNumbers: boolean;
  /** The records pages the viewer may open from the figures. */
  readonly records: RecordsPages;
  /** The scope's own page: its teams, specialists and uploads. */
  readonly about: { readonly href: string; readonly text: string };
  /**
   * The narrower parts of this scope the viewer may pick (a specialist, team, service, ICS or
   * region), each with the teams, or the specialist, it keeps.
   */
  readonly within: ReadonlyArray<WithinOption>;
  /** Whether the viewer may see team-level detail in this scope (docs/DESIGN.md's roles table). */
  readonly teamDetail: boolean;
}

interface WithinOption extends Narrowing {
  readonly value: string;
}

/** "Within" choices for an area or service: its regions, ICSs, services and teams, as allowed. */
export function withinTeams(
  teams: readonly Team[],
  kinds: ReadonlyArray<'region' | 'ics' | 'service' | 'team'>,
): WithinOption[] {
  const options = new Map<string, { value: string; text: string; teamIds: number[] }>();
  const add = (value: string, text: string, teamId: number) => {
    const known = options.get(value);
    if (known) known.teamIds.push(teamId);
    else options.set(value, { value, text, teamIds: [teamId] });
  };
  for (const kind of kinds) {
    for (const team of teams) {
      if (kind === 'region') add(`region:${team.regionId}`, `Region: ${team.regionName}`, team.id);
      if (kind === 'ics') add(`ics:${team.icsId}`, `ICS: ${team.icsName}`, team.id);
      if (kind === 'service')
        add(`service:${team.serviceId}`, `Service: ${team.serviceName}`, team.id);
      if (kind === 'team') add(`team:${team.id}`, `Team: ${team.name}`, team.id);
    }
  }
  return [...options.values()];
}

function sendExport(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  title: string,
  period: Period,
  asAt: string,
  headline: ReadonlyArray<{ name: string; value: CellValue }>,
  sections: readonly Section[],
) {
  const heading = [`${title}, ${period.label} (${period.from} to ${period.to}), as at ${asAt}`];
  const tables = [
    ...(headline.length > 0
      ? [
          {
            name: 'Figures',
            rows: [['Figure', 'Value'], ...headline.map(({ name, value }) => [name, value])],
          },
        ]
      : []),
    ...sections.map((section) => ({
      name: section.heading,
      rows: [
        section.head,
        ...section.rows.map((row) => [row.name, ...row.cells.map((cell) => cell.value)]),
      ],
    })),
  ];
  const fileName = `${downloadName(title, period)}.${format}`;
  reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
  if (format === 'xlsx') {
    const names = excelSheetNames(tables.map(({ name }) => name));
    const sheets = tables.map(({ rows }, index) => ({
      name: names[index] ?? `Sheet ${index + 1}`,
      rows: [heading, [], ...rows],
    }));
    return reply
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .send(Buffer.from(writeXlsx(sheets, { boldFirstRow: true })));
  }
  const parts = tables.map(({ name, rows }) =>
    writeCsv([name], rows, { neutraliseFormulas: true }),
  );
  return reply
    .type('text/csv; charset=utf-8')
    .send(`${writeCsv(heading, [], { neutraliseFormulas: true })}\r\n${parts.join('\r\n')}`);
}

export function dashboardHandlers(services: Services) {
  const { database, config } = services;

  async function render(request: FastifyRequest, reply: FastifyReply, scope: Scope) {
    const filtered = filterForm.parse(request.query ?? {});
    const dates = readForm(customDates, request.query);
    const custom = dates.ok ? dates.value : { from: null, to: null };
    const parsed = { ...filtered, from: custom.from ?? undefined, to: custom.to ?? undefined };
    const { format, chart: chartIndex } = exportForm.parse(request.query ?? {});
    const within = scope.within.find((option) => option.value === parsed.within);
    const shown = await scopeFigures(
      services,
      { ...scope, groups: [...scope.groupNames.keys()] },
      parsed,
      within,
    );
    const { figures, period, periodError } = shown;
    const asAt = figures.total.period.asAt;
    const periodLine = periodText(period);
    const read = { ...parsed, view: shown.view };
    const resolved = periodError === null;
    // The boxes' own errors ("must be a real date") say more than the period's ("Enter the start date").
    const errors: FormState['errors'] = {
      ...(periodError ? { [periodError.field]: dateError(periodError.message) } : {}),
      ...(read.period === 'custom' && !dates.ok ? dates.form.errors : {}),
    };
    const show = (count: number) => shownCount(count, scope.suppressSmallNumbers);
    const filters = new URLSearchParams({
      view: read.view,
      ...(within ? { within: within.value } : {}),
      period: read.period,
      ...(read.period === 'custom' ? { from: read.from ?? '', to: read.to ?? '' } : {}),
      employmentStatus: read.employmentStatus,
    });
    const path = request.url.split('?')[0] ?? '/';
    // No links to records from a period that is not one.
    const drill = resolved
      ? drillLinks(scope.records, {
          preset: read.period,
          period,
          employmentStatus: read.employmentStatus,
          ...(within ? { within } : {}),
        })
      : undefined;
    const content = viewContent(read.view, {
      title: scope.title,
      level: scope.level,
      groupNames: scope.groupNames,
      suppressSmallNumbers: scope.suppressSmallNumbers,
      figures,
      query: shown.query,
      freshness: shown.freshness,
      teamDetail: scope.teamDetail,
      freshnessCutOff: shown.freshnessCutOff,
      ...(shown.targets ? { targets: shown.targets } : {}),
      ...(shown.benchmarks ? { benchmarks: shown.benchmarks } : {}),
      ...(drill ? { drill } : {}),
    });
    const headline = content.headline.map((id) => ({
      id,
      name: METRIC_BY_ID.get(id)?.name ?? id,
      rule: METRIC_BY_ID.get(id)?.rule ?? '',
      helpHref: `/help/figures#${id}`,
      count: figures.total[id],
      value: show(figures.total[id]),
      href: drill?.({ figure: { metric: id } }, {}) ?? null,
      yearEarlier: shown.yearEarlier
        ? yearEarlierText(figures.total[id], shown.yearEarlier[id], scope.suppressSmallNumbers)
        : null,
      target: targetText(shown.targets, id),
    }));

    if (resolved && (format === 'csv' || format === 'xlsx')) {
      const exported = [
        ...headline.map(({ name, count }) => ({
          name,
          value: publishedCount(count, scope.suppressSmallNumbers) as CellValue,
        })),
        ...content.others.map(({ name, text }) => ({ name, value: text as CellValue })),
      ];
      return sendExport(reply, format, scope.title, period, asAt, exported, content.sections);
    }
    if (resolved && format === 'svg') {
      const chart = content.sections.filter((section) => section.chart)[chartIndex]?.chart;
      if (chart === undefined) throw notFound();
      return reply
        .header(
          'Content-Disposition',
          `attachment; filename="${downloadName(chart.title, period)}.svg"`,
        )
        .type('image/svg+xml')
        .send(
          barChartSvg(
            chart.title,
            chart.categories,
            chart.series,
            chartHeading(chart, periodLine, asAt),
          ),
        );
    }
    return reply.code(resolved ? 200 : 400).page('dashboards/dashboard.njk', {
      title: read.view === 'overview' ? scope.title : `${scope.title}: ${VIEW_NAMES[read.view]}`,
      heading: scope.title,
      caption: scope.caption,
      width: 'full',
      // Dashboards are read at a glance: the whole window, not a column of prose.
      containerClasses: 'nhsuk-width-container-fluid',
      printHeader: printHeader(
        services.clock(),
        within ? `${scope.title}, ${within.text}` : scope.title,
        `${VIEW_NAMES[read.view]}, ${periodLine}`,
        formatDate(asAt),
      ),
      printLandscape: content.sections.some(({ head }) => printsLandscape(head.length)),
      period,
      asAt,
      suppressSmallNumbers: scope.suppressSmallNumbers,
      aboutHref: scope.about.href,
      aboutText: scope.about.text,
      recordsHref: scope.records.kind === 'team' ? scope.records.href : null,
      views: shown.views.map((view) => ({
        text: VIEW_NAMES[view],
        href: `${path}?${new URLSearchParams({ ...Object.fromEntries(filters), view })}`,
        current: view === read.view,
      })),
      viewName: VIEW_NAMES[read.view],
      view: read.view,
      exports: resolved
        ? { csv: `${path}?${filters}&format=csv`, xlsx: `${path}?${filters}&format=xlsx` }
        : null,
      form: formWithErrors({ ...fieldsOf(request.query), ...read }, errors),
      periodItems: choiceItems(
        PERIOD_PRESETS.map((preset) => ({ value: preset, text: PERIOD_PRESET_NAMES[preset] })),
        read.period,
        'selected',
      ),
      statusItems: choiceItems(EMPLOYMENT_STATUSES, read.employmentStatus, 'selected'),
      withinItems:
        scope.within.length > 0
          ? choiceItems(
              [
                { value: '', text: `All of ${scope.title}` },
                ...scope.within.map(({ value, text }) => ({ value, text })),
              ],
              within?.value ?? '',
              'selected',
            )
          : null,
      withinName: within?.text ?? null,
      headline,
      // A wait's, a share's or an average's figure links to the records it is taken over.
      others: content.others.map((figure) => {
        const asked = figure.drill ?? drillOf({ metric: figure.id });
        return {
          ...figure,
          helpHref: `/help/figures#${figure.helpAnchor}`,
          href: asked && hasRecords(asked, figures.total) ? (drill?.(asked, {}) ?? null) : null,
        };
      }),
      sections: pageSections(content.sections, {
        period,
        periodLine,
        asAt,
        svgHref: resolved ? (chart) => `${path}?${filters}&format=svg&chart=${chart}` : null,
      }),
    });
  }

  return {
    async team(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const team = await findTeam(database, idParameter(request.params, 'teamId'));
      if (team === null) throw notFound();
      const bySpecialist = canViewSpecialists(viewer, teamPlace(team));
      const specialists = bySpecialist ? await specialistsOfTeam(database, team.id) : [];
      return render(request, reply, {
        title: team.name,
        caption: `${team.serviceName} · team dashboard`,
        teamIds: [team.id],
        team: team.id,
        area: false,
        teamDetail: true,
        level: bySpecialist ? 'specialist' : null,
        groupOfTeam: String,
        groupNames: new Map(
          specialists.map((specialist) => [
            specialist.initials,
            {
              name: `${specialist.displayName ?? specialist.initials}${specialist.displayName ? ` (${specialist.initials})` : ''}${specialist.hasLeft ? ', left' : ''}`,
              href: null,
            },
          ]),
        ),
        suppressSmallNumbers: false,
        about: { href: `/teams/${team.id}`, text: 'Specialists and uploads for this team' },
        records: canDrillThroughTeam(viewer, teamPlace(team))
          ? { kind: 'team', href: `/teams/${team.id}/records` }
          : { kind: 'none' },
        within: specialists.map((specialist) => ({
          value: `specialist:${specialist.initials}`,
          text: `Employment specialist: ${specialist.displayName ?? specialist.initials} (${specialist.initials})`,
          teamIds: [team.id],
          specialist: specialist.initials,
        })),
      });
    },

    async service(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const service = await findService(database, idParameter(request.params, 'serviceId'));
      if (service === null) throw notFound();
      const teams = await teamsOfService(database, service.id);
      // Team-level detail is for the service's manager; commissioners and area leads see the
      // summary, and so does a team leader who is also one of those (their own team has its page).
      const byTeam =
        teams.length > 0 && teams.every((team) => canViewTeam(viewer, teamPlace(team)));
      const serviceRecords = async (): Promise<RecordsPages> => {
        const teamRecords =
          byTeam && teams.every((team) => canDrillThroughTeam(viewer, teamPlace(team)));
        const href =
          byTeam && canDrillThroughService(viewer, await servicePlace(database, service.id))
            ? `/services/${service.id}/records`
            : null;
        return teamRecords || href ? { kind: 'service', teamRecords, href } : { kind: 'none' };
      };
      return render(request, reply, {
        title: service.name,
        caption: byTeam ? 'Service dashboard' : 'Service summary',
        teamIds: teams.map((team) => team.id),
        level: byTeam ? 'team' : null,
        area: false,
        teamDetail: byTeam,
        groupOfTeam: String,
        groupNames: new Map(
          teams.map((team) => [
            String(team.id),
            { name: team.name, href: `/teams/${team.id}/dashboard` },
          ]),
        ),
        suppressSmallNumbers: false,
        about: { href: `/services/${service.id}`, text: 'The teams of this service' },
        within: byTeam ? withinTeams(teams, ['ics', 'team']) : [],
        benchmarkAreas: async () => areasAroundService(teams, await allTeams(database)),
        records: await serviceRecords(),
      });
    },

    async area(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const area = await areaOf(services, request);
      const place = area.place;
      const teams = (await allTeams(database)).filter((team) =>
        place.type === 'national'
          ? true
          : place.type === 'region'
            ? team.regionId === place.regionId
            : team.icsId === place.icsId,
      );
      const serviceOfTeam = new Map(teams.map((team) => [team.id, team.serviceId]));
      const serviceNames = new Map(
        teams.map((team) => [
          String(team.serviceId),
          {
            name: team.serviceName,
            href: canViewService(viewer, {
              serviceId: team.serviceId,
              icsIds: [team.icsId],
              regionIds: [team.regionId],
            })
              ? `/services/${team.serviceId}/dashboard`
              : null,
          },
        ]),
      );
      return render(request, reply, {
        title: area.name,
        caption:
          place.type === 'national'
            ? 'National dashboard'
            : place.type === 'region'
              ? 'Regional dashboard'
              : 'ICS dashboard',
        teamIds: teams.map((team) => team.id),
        level: 'service',
        area: true,
        teamDetail: false,
        groupOfTeam: (teamId) => String(serviceOfTeam.get(teamId)),
        groupNames: serviceNames,
        suppressSmallNumbers: config.suppressSmallNumbers,
        records: { kind: 'none' },
        about: {
          href: request.url.split('?')[0]?.replace(/\/dashboard$/, '') ?? '/',
          text: `The services in ${area.name}`,
        },
        within: withinTeams(
          teams,
          place.type === 'national'
            ? ['region', 'ics', 'service']
            : place.type === 'region'
              ? ['ics', 'service']
              : ['service'],
        ),
      });
    },
  };
}
