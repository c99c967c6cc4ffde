import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { financialYearStart } from '../../calendar/calendar-date.ts';
import { londonToday } from '../../calendar/london-today.ts';
import {
  dashboardFigures,
  publishedCount,
  shownCount,
  teamsMetrics,
} from '../../dashboards/dashboard.ts';
import {
  type Drill,
  drillOf,
  drillParameters,
  hasRecords,
} from '../../dashboards/drill-through.ts';
import {
  financialYear,
  PERIOD_PRESET_NAMES,
  PERIOD_PRESETS,
  type Period,
  resolvePeriod,
} from '../../dashboards/period.ts';
import { type GroupLevel, teamFreshness } from '../../dashboards/scope-records.ts';
import type { Benchmark } from '../../metrics/benchmarks.ts';
import {
  computeMetrics,
  type EmploymentStatusFilter,
  type MetricsQuery,
} from '../../metrics/compute.ts';
import { METRIC_BY_ID } from '../../metrics/definitions.ts';
import { targetProgressOf } from '../../metrics/targets.ts';
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
  type WiderArea,
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
import { ownTargets, targetsOfTeams, teamSize, teamsWithSize } from '../../targets/target-store.ts';
import { choiceItems, type FormState } from '../forms.ts';
import { idParameter, notFound } from '../http-errors.ts';
import { areaOf } from '../organisations/organisations.ts';
import type { Services } from '../services.ts';
import {
  DASHBOARD_VIEWS,
  type DrillWhere,
  everyViewRequests,
  freshnessCutOff,
  type Section,
  targetRequests,
  VIEW_DIMENSIONS,
  VIEW_NAMES,
  viewContent,
} from './dashboard-views.ts';

const EMPLOYMENT_STATUSES = [
  { value: 'all', text: 'Everyone' },
  { value: 'out-of-work', text: 'Out of work at referral' },
  { value: 'in-work', text: 'In work at referral' },
] as const;

const filterForm = z.object({
  view: z.enum(DASHBOARD_VIEWS).catch('overview'),
  period: z.enum(PERIOD_PRESETS).catch('this-financial-year'),
  from: z.string().optional(),
  to: z.string().optional(),
  employmentStatus: z.enum(['all', 'out-of-work', 'in-work']).catch('all'),
  within: z.string().max(100).optional().catch(undefined),
});

interface Scope {
  readonly title: string;
  readonly caption: string;
  readonly teamIds: readonly number[];
  /** The level each row of the breakdown is, or null for a summary without one. */
  readonly level: GroupLevel | null;
  readonly groupNames: ReadonlyMap<string, { name: string; href: string | null }>;
  /** For a breakdown by team or service: the group a team belongs to. */
  readonly groupOfTeam: (teamId: number) => string;
  readonly suppressSmallNumbers: boolean;
  /** A team's records page, for those who may open the records behind a count. */
  readonly recordsHref?: string;
  /** A service's breakdown by team, whose rows open each team's records. */
  readonly teamRecords?: boolean;
  /** A service's records page, for its manager: the figures of the whole service open it. */
  readonly serviceRecordsHref?: string;
  /** The scope's own page: its teams, specialists and uploads. */
  readonly about: { readonly href: string; readonly text: string };
  /**
   * The narrower parts of this scope the viewer may pick (a specialist, team, service, ICS or
   * region), each with the teams, or the specialist, it keeps.
   */
  readonly within: ReadonlyArray<WithinOption>;
  /** A team's dashboard: its own targets count, not its service's. */
  readonly team?: number;
  /** Whether the viewer may see team-level detail in this scope (DESIGN.md's roles table). */
  readonly teamDetail: boolean;
  /**
   * For a service: the areas it works in, whose rates the benchmarking view sets beside its own.
   * Asked only for that view: it reads every team in England.
   */
  readonly benchmarkAreas?: () => Promise<WiderArea[]>;
}

interface WithinOption {
  readonly value: string;
  readonly text: string;
  readonly teamIds: readonly number[];
  readonly specialist?: string;
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
  const fileName = `${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${period.from}-to-${period.to}.${format}`;
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
  const { database, clock, config, teamTallies } = services;

  /** One column of the benchmarking view: the rates of a set of teams over the period. */
  async function benchmark(
    name: string,
    teamIds: readonly number[],
    query: MetricsQuery,
    year: number,
  ): Promise<Benchmark> {
    const sized = await teamsWithSize(database, teamIds, year);
    const [metrics, sizedMetrics] = await Promise.all([
      teamsMetrics(teamTallies, teamIds, [{ query, grouping: 'all' }]),
      teamsMetrics(teamTallies, sized, [{ query, grouping: 'all' }]),
    ]);
    return {
      name,
      metrics: metrics[0] ?? computeMetrics([], query),
      jobStartsOfSizedTeams: sizedMetrics[0]?.jobStarts ?? 0,
      specialistsWte: await teamSize(database, sized, year),
    };
  }

  async function render(request: FastifyRequest, reply: FastifyReply, scope: Scope) {
    const views = DASHBOARD_VIEWS.filter(
      (view) => view !== 'benchmarking' || scope.benchmarkAreas !== undefined,
    );
    const parsed = filterForm.parse(request.query ?? {});
    const read = views.includes(parsed.view) ? parsed : { ...parsed, view: 'overview' as const };
    const today = londonToday(clock());
    const resolved = resolvePeriod(read.period, today, read);
    const errors: FormState['errors'] = resolved.ok
      ? {}
      : { [resolved.field]: { text: resolved.message } };
    const chosenPeriod = resolved.ok ? resolved.period : financialYear(today);
    // Targets and team sizes are annual: the financial year holding the chosen period's start.
    const year = Number(financialYearStart(chosenPeriod.from).slice(0, 4));
    const period = read.view === 'targets' ? financialYear(chosenPeriod.from) : chosenPeriod;
    const query = {
      from: period.from,
      to: period.to,
      today,
      employmentStatus: read.employmentStatus as EmploymentStatusFilter,
    };
    const within = scope.within.find((option) => option.value === read.within);
    const teamIds = within?.teamIds ?? scope.teamIds;
    const shape = {
      teamIds,
      level: scope.level,
      groupOfTeam: scope.groupOfTeam,
      allGroups: scope.level ? [...scope.groupNames.keys()] : [],
      ...(within?.specialist ? { specialist: within.specialist } : {}),
    };
    const figures = await dashboardFigures(
      teamTallies,
      { ...shape, dimensions: VIEW_DIMENSIONS[read.view] },
      query,
      // Whichever view comes next, for this period, from the same read of the records.
      everyViewRequests(shape, query, year),
    );
    const show = (count: number) => shownCount(count, scope.suppressSmallNumbers);
    const filters = new URLSearchParams({
      view: read.view,
      ...(within ? { within: within.value } : {}),
      period: read.period,
      ...(read.period === 'custom' ? { from: read.from ?? '', to: read.to ?? '' } : {}),
      employmentStatus: read.employmentStatus,
    });
    const path = request.url.split('?')[0] ?? '/';
    const drillQuery = (drill: Drill, where: DrillWhere) => {
      const query = new URLSearchParams([
        ...drillParameters(drill),
        ['employmentStatus', where.everyClient ? 'all' : read.employmentStatus],
      ]);
      if (where.from && where.to) {
        query.set('period', 'custom');
        query.set('from', where.from);
        query.set('to', where.to);
      } else {
        query.set('period', read.period);
        if (read.period === 'custom') {
          query.set('from', period.from);
          query.set('to', period.to);
        }
      }
      return query;
    };
    const recordsHref = scope.recordsHref;
    const drill = !resolved.ok
      ? undefined
      : recordsHref
        ? (drill: Drill, where: DrillWhere) => {
            const query = drillQuery(drill, where);
            const specialist = where.group ?? within?.specialist;
            if (specialist) query.set('specialist', specialist);
            return `${recordsHref}?${query}`;
          }
        : scope.teamRecords || scope.serviceRecordsHref
          ? (drill: Drill, where: DrillWhere) => {
              const query = drillQuery(drill, where);
              // A row of the breakdown by team opens that team's records.
              if (where.group)
                return scope.teamRecords ? `/teams/${where.group}/records?${query}` : null;
              if (within) query.set('within', within.value);
              return scope.serviceRecordsHref ? `${scope.serviceRecordsHref}?${query}` : null;
            }
          : undefined;
    const content = viewContent(read.view, {
      title: scope.title,
      level: scope.level,
      groupNames: scope.groupNames,
      suppressSmallNumbers: scope.suppressSmallNumbers,
      figures,
      query,
      freshness: read.view === 'freshness' ? await teamFreshness(database, scope.teamIds) : [],
      teamDetail: scope.teamDetail,
      freshnessCutOff: freshnessCutOff(today),
      ...(read.view === 'targets'
        ? {
            targets: targetProgressOf(
              year,
              await teamsMetrics(
                teamTallies,
                teamIds,
                targetRequests(year, today, within?.specialist),
              ),
              // A specialist has no target of their own.
              within?.specialist
                ? new Map()
                : scope.team
                  ? await ownTargets(database, { type: 'team', id: scope.team }, year)
                  : await targetsOfTeams(database, teamIds, year),
            ),
          }
        : {}),
      ...(read.view === 'benchmarking' && scope.benchmarkAreas
        ? {
            benchmarks: [
              await benchmark(
                within?.text ?? scope.title,
                within?.teamIds ?? scope.teamIds,
                query,
                year,
              ),
              ...(await Promise.all(
                (
                  await scope.benchmarkAreas()
                ).map(({ name, teamIds }) => benchmark(name, teamIds, query, year)),
              )),
            ],
          }
        : {}),
      ...(drill ? { drill } : {}),
    });
    const headline = content.headline.map((id) => ({
      id,
      name: METRIC_BY_ID.get(id)?.name ?? id,
      rule: METRIC_BY_ID.get(id)?.rule ?? '',
      count: figures.total[id],
      value: show(figures.total[id]),
      href: drill?.({ figure: { metric: id } }, {}) ?? null,
    }));

    const format = (request.query as { format?: string } | undefined)?.format;
    if (resolved.ok && (format === 'csv' || format === 'xlsx')) {
      const exported = [
        ...headline.map(({ name, count }) => ({
          name,
          value: publishedCount(count, scope.suppressSmallNumbers) as CellValue,
        })),
        ...content.others.map(({ name, text }) => ({ name, value: text as CellValue })),
      ];
      return sendExport(
        reply,
        format,
        scope.title,
        period,
        figures.total.period.asAt,
        exported,
        content.sections,
      );
    }
    const chartIndex = Number((request.query as { chart?: string } | undefined)?.chart ?? 0);
    if (resolved.ok && format === 'svg') {
      const chart = content.sections.filter((section) => section.chart)[chartIndex]?.chart;
      if (chart === undefined) throw notFound();
      return reply
        .header(
          'Content-Disposition',
          `attachment; filename="${read.view}-chart-${chartIndex + 1}.svg"`,
        )
        .type('image/svg+xml')
        .send(chart.svg);
    }
    let charts = 0;
    return reply.code(resolved.ok ? 200 : 400).page('dashboards/dashboard.njk', {
      title: read.view === 'overview' ? scope.title : `${scope.title}: ${VIEW_NAMES[read.view]}`,
      heading: scope.title,
      caption: scope.caption,
      width: 'full',
      period,
      asAt: figures.total.period.asAt,
      suppressSmallNumbers: scope.suppressSmallNumbers,
      aboutHref: scope.about.href,
      aboutText: scope.about.text,
      recordsHref: scope.recordsHref ?? null,
      views: views.map((view) => ({
        text: VIEW_NAMES[view],
        href: `${path}?${new URLSearchParams({ ...Object.fromEntries(filters), view })}`,
        current: view === read.view,
      })),
      viewName: VIEW_NAMES[read.view],
      view: read.view,
      exports: resolved.ok
        ? { csv: `${path}?${filters}&format=csv`, xlsx: `${path}?${filters}&format=xlsx` }
        : null,
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
          href: asked && hasRecords(asked, figures.total) ? (drill?.(asked, {}) ?? null) : null,
        };
      }),
      sections: content.sections.map((section) => ({
        ...section,
        // The (?) of a chart and its table: the rule of the figures it shows.
        rulesHref: `/help/figures#${section.rule}`,
        svgHref:
          section.chart && resolved.ok ? `${path}?${filters}&format=svg&chart=${charts++}` : null,
      })),
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
        ...(canDrillThroughTeam(viewer, teamPlace(team))
          ? { recordsHref: `/teams/${team.id}/records` }
          : {}),
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
      return render(request, reply, {
        title: service.name,
        caption: byTeam ? 'Service dashboard' : 'Service summary',
        teamIds: teams.map((team) => team.id),
        level: byTeam ? 'team' : null,
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
        teamRecords: byTeam && teams.every((team) => canDrillThroughTeam(viewer, teamPlace(team))),
        ...(byTeam && canDrillThroughService(viewer, await servicePlace(database, service.id))
          ? { serviceRecordsHref: `/services/${service.id}/records` }
          : {}),
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
        teamDetail: false,
        groupOfTeam: (teamId) => String(serviceOfTeam.get(teamId)),
        groupNames: serviceNames,
        suppressSmallNumbers: config.suppressSmallNumbers,
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
