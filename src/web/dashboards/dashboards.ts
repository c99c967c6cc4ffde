import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../calendar/london-today.ts';
import { type DashboardFigures, dashboardFigures, shownCount } from '../../dashboards/dashboard.ts';
import {
  financialYear,
  PERIOD_PRESET_NAMES,
  PERIOD_PRESETS,
  type Period,
  resolvePeriod,
} from '../../dashboards/period.ts';
import { type GroupLevel, groupedRecords } from '../../dashboards/scope-records.ts';
import type { EmploymentStatusFilter, MetricsResult } from '../../metrics/compute.ts';
import { METRIC_BY_ID, type MetricId } from '../../metrics/definitions.ts';
import {
  allTeams,
  findIcs,
  findRegion,
  findService,
  findTeam,
  NATIONAL_AREA,
  specialistsOfTeam,
  teamPlace,
  teamsOfService,
} from '../../organisations/organisations.ts';
import {
  canDrillThroughTeam,
  canViewService,
  canViewSpecialists,
  canViewTeam,
  type Viewer,
} from '../../permissions/permissions.ts';
import type { CellValue } from '../../spreadsheet/cells.ts';
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { barChartSvg } from '../charts/bar-chart.ts';
import { choiceItems, type FormState } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

const EMPLOYMENT_STATUSES = [
  { value: 'all', text: 'Everyone' },
  { value: 'out-of-work', text: 'Out of work at referral' },
  { value: 'in-work', text: 'In work at referral' },
] as const;

const filterForm = z.object({
  period: z.enum(PERIOD_PRESETS).catch('this-financial-year'),
  from: z.string().optional(),
  to: z.string().optional(),
  employmentStatus: z.enum(['all', 'out-of-work', 'in-work']).catch('all'),
});

/** The headline figures, in METRICS.md's order; each shown with its rule. */
const HEADLINE: readonly MetricId[] = [
  'referrals',
  'vpStarts',
  'activeCaseload',
  'jobStarts',
  'supportedIntoWork',
  'firstJobStarts',
  'sustained13',
  'sustained26',
  'sustained52',
  'discharges',
];

/** The counts tabulated for each group and month. */
const TABLE_COLUMNS: readonly MetricId[] = [
  'referrals',
  'vpStarts',
  'activeCaseload',
  'jobStarts',
  'supportedIntoWork',
  'sustained13',
  'sustained26',
  'sustained52',
];

type CountId = (typeof HEADLINE)[number];
const countOf = (metrics: MetricsResult, id: MetricId) =>
  metrics[id as CountId & keyof MetricsResult] as number;

interface Scope {
  readonly title: string;
  readonly caption: string;
  readonly teamIds: readonly number[];
  /** The level each row of the breakdown is, or null for a summary without one. */
  readonly level: GroupLevel | null;
  readonly groupNames: ReadonlyMap<string, { name: string; href: string | null }>;
  readonly suppressSmallNumbers: boolean;
  /** A team's records page, for those who may open the records behind a count. */
  readonly recordsHref?: string;
  /** The scope's own page: its teams, specialists and uploads. */
  readonly about: { readonly href: string; readonly text: string };
}

/** What a person exports is what the page shows: the same tables, the same "<5". */
function exportTables(scope: Scope, figures: DashboardFigures) {
  const cell = (count: number): CellValue =>
    scope.suppressSmallNumbers && count >= 1 && count <= 4 ? '<5' : count;
  const columnNames = TABLE_COLUMNS.map((id) => METRIC_BY_ID.get(id)?.name ?? id);
  const tables = [
    {
      name: 'Overview',
      rows: [
        ['Figure', 'Value'],
        ...HEADLINE.map((id) => [
          METRIC_BY_ID.get(id)?.name ?? id,
          cell(countOf(figures.total, id)),
        ]),
      ],
    },
  ];
  if (scope.level !== null) {
    tables.push({
      name: `By ${scope.level}`,
      rows: [
        [
          scope.level === 'specialist'
            ? 'Employment specialist'
            : scope.level === 'team'
              ? 'Team'
              : 'Service',
          ...columnNames,
        ],
        ...figures.groups.map(({ group, metrics }) => [
          scope.groupNames.get(group)?.name ?? group,
          ...TABLE_COLUMNS.map((id) => cell(countOf(metrics, id))),
        ]),
      ],
    });
  }
  tables.push({
    name: 'By month',
    rows: [
      ['Month', ...columnNames],
      ...figures.months.map(({ label, metrics }) => [
        label,
        ...TABLE_COLUMNS.map((id) => cell(countOf(metrics, id))),
      ]),
    ],
  });
  return tables;
}

function sendExport(
  reply: FastifyReply,
  format: 'csv' | 'xlsx',
  scope: Scope,
  period: Period,
  figures: DashboardFigures,
) {
  const tables = exportTables(scope, figures);
  const title = [
    `${scope.title}, ${period.label} (${period.from} to ${period.to}), as at ${figures.total.period.asAt}`,
  ];
  const fileName = `${scope.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${period.from}-to-${period.to}.${format}`;
  reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
  if (format === 'xlsx') {
    return reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(
      Buffer.from(
        writeXlsx(
          tables.map(({ name, rows }) => ({ name, rows: [title, [], ...rows] })),
          { boldFirstRow: true },
        ),
      ),
    );
  }
  const sections = tables.map(({ name, rows }) =>
    writeCsv([name], rows, { neutraliseFormulas: true }),
  );
  return reply
    .type('text/csv; charset=utf-8')
    .send(`${writeCsv(title, [], { neutraliseFormulas: true })}\r\n${sections.join('\r\n')}`);
}

export function dashboardHandlers(services: Services) {
  const { database, clock, config } = services;

  async function render(request: FastifyRequest, reply: FastifyReply, scope: Scope) {
    const read = filterForm.parse(request.query ?? {});
    const today = londonToday(clock());
    const resolved = resolvePeriod(read.period, today, read);
    const errors: FormState['errors'] = resolved.ok
      ? {}
      : { [resolved.field]: { text: resolved.message } };
    const period = resolved.ok ? resolved.period : financialYear(today);
    const query = {
      from: period.from,
      to: period.to,
      today,
      employmentStatus: read.employmentStatus as EmploymentStatusFilter,
    };
    const records = await groupedRecords(database, scope.teamIds, scope.level ?? 'team');
    const figures = dashboardFigures(
      records,
      query,
      scope.level ? [...scope.groupNames.keys()] : [],
    );
    const show = (count: number) => shownCount(count, scope.suppressSmallNumbers);
    const monthly = figures.months;
    const chart = barChartSvg(
      `${scope.title}: referrals, VP starts and job starts by month`,
      monthly.map(({ label }) => label),
      (['referrals', 'vpStarts', 'jobStarts'] as const).map((id) => ({
        name: METRIC_BY_ID.get(id)?.name ?? id,
        // Suppressed counts are not drawn: the table shows "<5".
        values: monthly.map(({ metrics }) => {
          const count = countOf(metrics, id);
          return scope.suppressSmallNumbers && count >= 1 && count <= 4 ? 0 : count;
        }),
      })),
    );
    const format = (request.query as { format?: string } | undefined)?.format;
    if (resolved.ok && (format === 'csv' || format === 'xlsx')) {
      return sendExport(reply, format, scope, period, figures);
    }
    if (resolved.ok && format === 'svg') {
      return reply
        .header('Content-Disposition', 'attachment; filename="figures-by-month.svg"')
        .type('image/svg+xml')
        .send(chart);
    }
    const filters = new URLSearchParams({
      period: read.period,
      ...(read.period === 'custom' ? { from: read.from ?? '', to: read.to ?? '' } : {}),
      employmentStatus: read.employmentStatus,
    });
    const exportHref = (as: string) => `${request.url.split('?')[0]}?${filters}&format=${as}`;
    const head = [
      {
        text:
          scope.level === 'specialist'
            ? 'Employment specialist'
            : scope.level === 'team'
              ? 'Team'
              : 'Service',
      },
      ...TABLE_COLUMNS.map((id) => ({ text: METRIC_BY_ID.get(id)?.name ?? id, format: 'numeric' })),
    ];
    return reply.code(resolved.ok ? 200 : 400).page('dashboards/dashboard.njk', {
      title: scope.title,
      caption: scope.caption,
      width: 'full',
      period,
      asAt: figures.total.period.asAt,
      suppressSmallNumbers: scope.suppressSmallNumbers,
      aboutHref: scope.about.href,
      exports: resolved.ok
        ? { csv: exportHref('csv'), xlsx: exportHref('xlsx'), svg: exportHref('svg') }
        : null,
      aboutText: scope.about.text,
      form: {
        values: read,
        errors,
        errorList: Object.entries(errors).map(([field, { text }]) => ({ text, href: `#${field}` })),
      },
      periodItems: choiceItems(
        PERIOD_PRESETS.map((preset) => ({ value: preset, text: PERIOD_PRESET_NAMES[preset] })),
        read.period,
        'selected',
      ),
      statusItems: choiceItems(EMPLOYMENT_STATUSES, read.employmentStatus, 'selected'),
      headline: HEADLINE.map((id) => ({
        id,
        name: METRIC_BY_ID.get(id)?.name ?? id,
        rule: METRIC_BY_ID.get(id)?.rule ?? '',
        value: show(countOf(figures.total, id)),
        href:
          scope.recordsHref && resolved.ok ? `${scope.recordsHref}?metric=${id}&${filters}` : null,
      })),
      groupHead: head,
      groupRows: scope.level
        ? figures.groups.map(({ group, metrics }) => {
            const named = scope.groupNames.get(group) ?? { name: group, href: null };
            return {
              name: named.name,
              href: named.href,
              cells: TABLE_COLUMNS.map((id) => ({ id, value: show(countOf(metrics, id)) })),
            };
          })
        : null,
      monthHead: [
        { text: 'Month' },
        ...TABLE_COLUMNS.map((id) => ({ text: METRIC_BY_ID.get(id)?.name ?? id })),
      ],
      monthRows: monthly.map(({ label, metrics }) => ({
        name: label,
        cells: TABLE_COLUMNS.map((id) => ({ id, value: show(countOf(metrics, id)) })),
      })),
      chart,
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
        level: bySpecialist ? 'specialist' : null,
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
        ...(canDrillThroughTeam(viewer, teamPlace(team))
          ? { recordsHref: `/teams/${team.id}/records` }
          : {}),
      });
    },

    async service(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const service = await findService(database, idParameter(request.params, 'serviceId'));
      if (service === null) throw notFound();
      const teams = await teamsOfService(database, service.id);
      // Team-level detail is for the service's manager; commissioners and area leads see the summary.
      const byTeam = teams.some((team) => canViewTeam(viewer, teamPlace(team)));
      return render(request, reply, {
        title: service.name,
        caption: byTeam ? 'Service dashboard' : 'Service summary',
        teamIds: teams.map((team) => team.id),
        level: byTeam ? 'team' : null,
        groupNames: new Map(
          teams.map((team) => [
            String(team.id),
            { name: team.name, href: `/teams/${team.id}/dashboard` },
          ]),
        ),
        suppressSmallNumbers: false,
        about: { href: `/services/${service.id}`, text: 'The teams of this service' },
      });
    },

    async area(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const params = request.params as Record<string, string>;
      const area =
        params.regionId !== undefined
          ? await findRegion(database, idParameter(params, 'regionId'))
          : params.icsId !== undefined
            ? await findIcs(database, idParameter(params, 'icsId'))
            : NATIONAL_AREA;
      if (area === null) throw notFound();
      const place = area.place;
      const teams = (await allTeams(database)).filter((team) =>
        place.type === 'national'
          ? true
          : place.type === 'region'
            ? team.regionId === place.regionId
            : team.icsId === place.icsId,
      );
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
        groupNames: serviceNames,
        suppressSmallNumbers: config.suppressSmallNumbers,
        about: {
          href: request.url.split('?')[0]?.replace(/\/dashboard$/, '') ?? '/',
          text: `The services in ${area.name}`,
        },
      });
    },
  };
}
