import type { IsoDate } from '../../calendar/calendar-date.ts';
import { londonToday } from '../../calendar/london-today.ts';
import { formatDate } from '../../calendar/nhs-dates.ts';
import {
  type DashboardFigures,
  isHiddenSmallNumber,
  publishedCount,
  shownCount,
} from '../../dashboards/dashboard.ts';
import type { DrillLink, DrillWhere } from '../../dashboards/drill-links.ts';
import {
  type Drill,
  type DrillDimension,
  drillOf,
  HOURS_BAND_NAMES,
  HOURS_BANDS,
  TIME_TO_FIRST_JOB_BAND_NAMES,
} from '../../dashboards/drill-through.ts';
import { type DashboardView, DEMOGRAPHICS } from '../../dashboards/scope-figures.ts';
import type { TeamFreshness } from '../../dashboards/scope-records.ts';
import { BENCHMARK_RATES, type Benchmark, type BenchmarkRate } from '../../metrics/benchmarks.ts';
import { RECORD_DIMENSION_NAMES } from '../../metrics/breakdowns.ts';
import type { MetricsQuery, MetricsResult, TimeToTarget } from '../../metrics/compute.ts';
import {
  ALL_COUNTS,
  type CountId,
  METRIC_BY_ID,
  type MetricId,
} from '../../metrics/definitions.ts';
import type { TimeToFirstJobBand } from '../../metrics/derive.ts';
import {
  againstCaseloadRange,
  GUIDANCE_NOTES,
  type GuidedIndicator,
  QUALITY_GUIDANCE,
  UPLOAD_DUE_DAY,
  withinGuidance,
} from '../../metrics/guidance.ts';
import {
  TARGET_STATUS_NAMES,
  TARGET_STATUS_RULE,
  TARGET_STATUSES,
  type TargetProgress,
} from '../../metrics/targets.ts';
import type { CellValue } from '../../spreadsheet/cells.ts';
import { districtName } from '../../spreadsheet/local-authority-districts.ts';
import type { BarSeries } from '../charts/bar-chart.ts';

/**
 * The dashboard's views (issue 4): each a set of headline counts, other figures and sections (a
 * table, with a chart of the same numbers where it helps). The page and its CSV/XLSX export both
 * render these sections, so an export is exactly what the page shows.
 */

export const VIEW_NAMES: Readonly<Record<DashboardView, string>> = {
  overview: 'Overview',
  referrals: 'Referrals',
  'vp-starts': 'VP starts',
  caseload: 'Active caseload',
  jobs: 'Job starts',
  sustainments: 'Sustainments',
  demographics: 'Demographics',
  quality: 'Quality',
  targets: 'Totals vs targets',
  benchmarking: 'Benchmarking',
  freshness: 'Data freshness',
};

export interface TableCell {
  readonly metric?: string;
  /** The records behind the count, for those allowed to open them. */
  readonly href?: string | null;
  /** As exported: a number, or "<5" where a small number is hidden. */
  readonly value: CellValue;
  /** As shown on the page. */
  readonly text: string;
}

/** A chart of a section's figures, drawn by the page (or a download) from these. */
export interface SectionChart {
  readonly description: string;
  /** The scope and what the chart shows: the SVG's title and its download's name. */
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly BarSeries[];
}

export interface Section {
  readonly heading: string;
  /** Where the (?) of the section links: its first figure's rule on the help page. */
  readonly rule: string;
  readonly chart?: SectionChart;
  readonly caption: string;
  readonly head: readonly string[];
  readonly rows: ReadonlyArray<{ name: string; href: string | null; cells: readonly TableCell[] }>;
}

export interface OtherFigure {
  readonly id: string;
  readonly name: string;
  readonly rule: string;
  /** Where its rule is on the help page. */
  readonly helpAnchor: string;
  readonly text: string;
  /** For a quality indicator with a figure: whether it is within its guidance. */
  readonly withinGuidance?: boolean;
  /** The records behind it, when they are another figure's (otherwise its own, if it has any). */
  readonly drill?: Drill;
}

export interface ViewContext {
  readonly title: string;
  readonly level: 'specialist' | 'team' | 'service' | null;
  readonly groupNames: ReadonlyMap<string, { name: string; href: string | null }>;
  readonly suppressSmallNumbers: boolean;
  readonly figures: DashboardFigures;
  readonly query: MetricsQuery;
  /** Where the records behind a figure are, if the viewer may open them (drill-through). */
  readonly drill?: DrillLink;
  /** For the data freshness view: the teams in scope and their uploads. */
  readonly freshness: readonly TeamFreshness[];
  /**
   * Whether the viewer may see team-level detail here: otherwise the freshness view says which
   * teams have uploaded, not how many records each holds (docs/DESIGN.md's roles table).
   */
  readonly teamDetail: boolean;
  /**
   * Uploads are due by UPLOAD_DUE_DAY of each month: the first day of the month whose upload is
   * due now (this month from that day, last month before it). A team is up to date with an upload
   * since.
   */
  readonly freshnessCutOff: IsoDate;
  /** For the totals vs targets view: the financial year's progress against the scope's targets. */
  readonly targets?: TargetProgress;
  /** For the benchmarking view: this scope's rates, then each wider area's. */
  readonly benchmarks?: readonly Benchmark[];
}

const metricName = (id: string) => METRIC_BY_ID.get(id as MetricId)?.name ?? id;
const LEVEL_NAMES = {
  specialist: 'Employment specialist',
  team: 'Team',
  service: 'Service',
} as const;

/** A count in a table, linked to the records behind it (the count's own, unless `drill` says). */
function countCell(
  context: ViewContext,
  metric: string,
  count: number,
  where: DrillWhere,
  drill: Drill | null = drillOf({ metric }),
): TableCell {
  const drillable = drill !== null && count > 0 && context.drill !== undefined;
  return {
    metric,
    value: publishedCount(count, context.suppressSmallNumbers),
    text: shownCount(count, context.suppressSmallNumbers),
    href: drillable ? (context.drill?.(drill, where) ?? null) : null,
  };
}

const countOf = (metrics: MetricsResult, id: CountId) => metrics[id];

/** Hidden small numbers are not drawn either: the table beside the chart shows "<5". */
function shownInChart(context: ViewContext, count: number): number {
  return isHiddenSmallNumber(count, context.suppressSmallNumbers) ? 0 : count;
}

function sectionChart(
  context: ViewContext,
  description: string,
  categories: readonly string[],
  series: readonly BarSeries[],
): SectionChart {
  return { description, title: `${context.title}: ${description}`, categories, series };
}

function groupSection(context: ViewContext, columns: readonly CountId[]): Section[] {
  if (context.level === null) return [];
  const levelName = LEVEL_NAMES[context.level];
  const groups = context.figures.groups;
  const charted = columns.slice(0, 3);
  const description = `${charted.map(metricName).join(', ')} by ${levelName.toLowerCase()}`;
  return [
    {
      heading: `By ${levelName.toLowerCase()}`,
      rule: columns[0] ?? '',
      chart: sectionChart(
        context,
        description,
        groups.map(({ group }) => context.groupNames.get(group)?.name ?? group),
        charted.map((id) => ({
          name: metricName(id),
          values: groups.map(({ metrics }) => shownInChart(context, countOf(metrics, id))),
        })),
      ),
      caption: `${context.title} by ${levelName.toLowerCase()}`,
      head: [levelName, ...columns.map(metricName)],
      rows: context.figures.groups.map(({ group, metrics }) => {
        const named = context.groupNames.get(group) ?? { name: group, href: null };
        return {
          name: named.name,
          href: named.href,
          cells: columns.map((id) => countCell(context, id, countOf(metrics, id), { group })),
        };
      }),
    },
  ];
}

function monthSection(
  context: ViewContext,
  series: readonly CountId[],
  columns: readonly CountId[],
): Section {
  const months = context.figures.months;
  const description = `${series.map(metricName).join(', ')} by month`;
  return {
    heading: 'By month',
    rule: columns[0] ?? '',
    chart: sectionChart(
      context,
      description,
      months.map(({ label }) => label),
      series.map((id) => ({
        name: metricName(id),
        values: months.map(({ metrics }) => shownInChart(context, countOf(metrics, id))),
      })),
    ),
    caption: `${context.title} by month`,
    head: ['Month', ...columns.map(metricName)],
    rows: months.map(({ label, from, to, metrics }) => ({
      name: label,
      href: null,
      cells: columns.map((id) => countCell(context, id, countOf(metrics, id), { from, to })),
    })),
  };
}

function dimensionSection(
  context: ViewContext,
  dimension: DrillDimension,
  columns: readonly CountId[],
): Section {
  const label = RECORD_DIMENSION_NAMES[dimension];
  const groups = [
    ...(context.figures.byDimension.get(dimension) ?? new Map<string, MetricsResult>()),
  ];
  // Local authorities are stored as ONS codes: shown by the district's name.
  const shownName = (name: string) =>
    dimension === 'localAuthority' ? (districtName(name) ?? name) : name;
  const description = `${columns.map(metricName).join(', ')} by ${label.toLowerCase()}`;
  return {
    heading: `By ${label.toLowerCase()}`,
    rule: columns[0] ?? '',
    chart: sectionChart(
      context,
      description,
      groups.map(([name]) => shownName(name)),
      columns.map((id) => ({
        name: metricName(id),
        values: groups.map(([, metrics]) => shownInChart(context, countOf(metrics, id))),
      })),
    ),
    caption: `${context.title} by ${label.toLowerCase()}`,
    head: [label, ...columns.map(metricName)],
    rows: groups.map(([name, metrics]) => ({
      name: shownName(name),
      href: null,
      cells: columns.map((id) =>
        countCell(
          context,
          id,
          countOf(metrics, id),
          {},
          {
            figure: { metric: id },
            breakdown: { dimension, value: name },
          },
        ),
      ),
    })),
  };
}

const REFERRAL_DIMENSIONS = ['referralSource', 'referralSourceCategory'] as const;

/** A section for each field the figures were split by: an area's leave the local ones out. */
function dimensionSections(
  context: ViewContext,
  dimensions: readonly DrillDimension[],
  columns: readonly CountId[],
): Section[] {
  return dimensions
    .filter((dimension) => context.figures.byDimension.has(dimension))
    .map((dimension) => dimensionSection(context, dimension, columns));
}

function hoursSection(context: ViewContext): Section {
  const bands = context.figures.total.sustainedByHours;
  return {
    heading: 'By weekly hours',
    rule: 'sustainedByHours',
    caption: `${context.title}: job sustainments by average weekly hours`,
    head: ['Sustainment', ...HOURS_BANDS.map((band) => HOURS_BAND_NAMES[band])],
    rows: (['13', '26', '52'] as const).map((weeks) => ({
      name: `${weeks} weeks`,
      href: null,
      cells: HOURS_BANDS.map((band) =>
        countCell(
          context,
          'sustainedByHours',
          bands[weeks][band],
          {},
          {
            figure: { metric: 'sustainedByHours', weeks, band },
          },
        ),
      ),
    })),
  };
}

function timeToFirstJobSection(context: ViewContext): Section {
  const bands = context.figures.total.timeToFirstJob;
  return {
    heading: 'Time from VP start to first job',
    rule: 'timeToFirstJob',
    caption: `${context.title}: people entering their first job, by months from the VP start`,
    head: ['Time', 'People'],
    rows: (Object.keys(TIME_TO_FIRST_JOB_BAND_NAMES) as TimeToFirstJobBand[]).map((band) => ({
      name: TIME_TO_FIRST_JOB_BAND_NAMES[band],
      href: null,
      cells: [
        countCell(
          context,
          'timeToFirstJob',
          bands[band],
          {},
          {
            figure: { metric: 'timeToFirstJob', band },
          },
        ),
      ],
    })),
  };
}

function caseloadPerSpecialistSection(context: ViewContext): Section[] {
  // Caseload by specialist is ES-level detail: only where the dashboard is by specialist.
  if (context.level !== 'specialist') return [];
  const caseloads = context.figures.total.caseloadPerSpecialist;
  return [
    {
      heading: 'Caseload per employment specialist',
      rule: 'caseloadPerSpecialist',
      caption: `${context.title}: active caseload per employment specialist (${GUIDANCE_NOTES.caseloadPerSpecialist})`,
      head: ['Employment specialist', 'Active caseload', 'Against the range'],
      rows: Object.entries(caseloads).map(([initials, count]) => ({
        name: context.groupNames.get(initials)?.name ?? initials,
        href: null,
        cells: [
          countCell(
            context,
            'caseloadPerSpecialist',
            count,
            { group: initials },
            {
              figure: { metric: 'activeCaseload' },
            },
          ),
          againstRange(count),
        ],
      })),
    },
  ];
}

function againstRange(count: number): TableCell {
  const text = againstCaseloadRange(count);
  return { value: text, text };
}

/**
 * Active caseload ÷ the specialists holding it, each counted once per team (initials are unique
 * only within a team): the fidelity range without naming anyone.
 */
function averageCaseload(context: ViewContext): OtherFigure {
  const specialists = context.figures.specialistsHoldingCaseload;
  const caseload = context.figures.total.activeCaseload;
  const average = specialists === 0 ? null : Math.round((caseload / specialists) * 10) / 10;
  return {
    id: 'caseloadPerSpecialist',
    name: 'Average active caseload per employment specialist',
    rule: `${METRIC_BY_ID.get('caseloadPerSpecialist')?.rule ?? ''} The average is the active caseload divided by the specialists holding it.`,
    helpAnchor: 'caseloadPerSpecialist',
    text:
      average === null
        ? 'no data'
        : `${average} (${specialists} specialists; ${GUIDANCE_NOTES.caseloadPerSpecialist})`,
    ...guidance('caseloadPerSpecialist', average),
    // The average is taken over the active caseload.
    drill: { figure: { metric: 'activeCaseload' } },
  };
}

function freshnessSection(context: ViewContext): Section {
  return {
    heading: 'Latest upload by team',
    rule: 'freshness',
    caption: `Teams in ${context.title} and their latest upload; uploads are due by the ${UPLOAD_DUE_DAY}th of each month, so a team with no upload since ${context.freshnessCutOff} is flagged`,
    head: ['Team', 'Latest upload', ...(context.teamDetail ? ['Records'] : []), 'Up to date'],
    rows: context.freshness.map((row) => {
      const when = row.lastUpload ? londonToday(row.lastUpload) : 'Never';
      const upToDate = row.lastUpload !== null && when >= context.freshnessCutOff;
      return {
        name: row.teamName,
        href: null,
        cells: [
          { value: when, text: when },
          ...(context.teamDetail
            ? [{ value: row.records, text: row.records.toLocaleString('en-GB') }]
            : []),
          {
            value: upToDate ? 'Yes' : 'No',
            text: upToDate ? 'Yes' : `No: nothing uploaded since ${context.freshnessCutOff}`,
          },
        ],
      };
    }),
  };
}

function percent(share: number | null): string {
  return share === null ? 'no data' : `${Math.round(share * 1000) / 10}%`;
}

/** A wait: its median, and the share within docs/METRICS.md's days for it. */
function waitFigure(context: ViewContext, id: 'daysToFirstContact' | 'daysToEmployerContact') {
  const figure: TimeToTarget = context.figures.total[id];
  const days = QUALITY_GUIDANCE[id].withinDays;
  return otherFigure(
    id,
    figure.n === 0
      ? 'no data (no records with both dates)'
      : `Median ${figure.median} days; ${percent(figure.withinTarget)} within ${days} days (${shownCount(figure.n, context.suppressSmallNumbers)} records)`,
    guidance(id, figure.n === 0 ? null : figure.median),
  );
}

/** A figure with nothing to read against: no guidance to be within. */
function guidance(
  indicator: GuidedIndicator,
  value: number | null,
): Pick<OtherFigure, 'withinGuidance'> {
  return value === null ? {} : { withinGuidance: withinGuidance(indicator, value) };
}

function otherFigure(
  id: MetricId,
  text: string,
  against: Pick<OtherFigure, 'withinGuidance'> = {},
): OtherFigure {
  const definition = METRIC_BY_ID.get(id);
  return {
    id,
    name: definition?.name ?? id,
    rule: definition?.rule ?? '',
    helpAnchor: id,
    text,
    ...against,
  };
}

const MEASURE_COLUMNS = [
  'Measure',
  'Annual target',
  'Actual to date',
  'Expected to date',
  'Status',
];

function targetSections(context: ViewContext): Section[] {
  const progress = context.targets;
  if (progress === undefined) return [];
  const round = (value: number) => Math.round(value * 10) / 10;
  // Targets count every client from 1 April, whatever the dashboard's filter.
  const yearToDate: DrillWhere = { from: progress.from, to: progress.asAt, everyClient: true };
  const table: Section = {
    heading: 'Progress against the targets',
    rule: 'targets',
    caption: `${context.title}: totals vs targets, 1 April to ${formatDate(progress.asAt)}`,
    head: MEASURE_COLUMNS,
    rows: progress.measures.map(({ measure, target, actual, expectedToDate, status }) => ({
      name: metricName(measure),
      href: null,
      cells: [
        target === null
          ? { value: 'No target', text: 'No target' }
          : { value: target, text: target.toLocaleString('en-GB') },
        countCell(context, measure, actual, yearToDate),
        expectedToDate === null
          ? { value: '', text: '' }
          : { value: round(expectedToDate), text: round(expectedToDate).toLocaleString('en-GB') },
        status === null
          ? { value: '', text: '' }
          : { value: TARGET_STATUS_NAMES[status], text: TARGET_STATUS_NAMES[status] },
      ],
    })),
  };
  const charts = progress.measures.flatMap(({ measure, target }): Section[] => {
    if (target === null) return [];
    const name = metricName(measure);
    const description = `${name}: actual and expected, cumulative from 1 April, by month`;
    return [
      {
        heading: `${name}: cumulative by month`,
        rule: 'targets',
        chart: sectionChart(
          context,
          description,
          progress.months.map(({ label }) => label),
          [
            {
              name: 'Actual',
              values: progress.months.map(({ actual }) => shownInChart(context, actual[measure])),
            },
            {
              name: 'Expected (target pro rata)',
              line: true,
              values: progress.months.map(({ expected }) => round(expected[measure] ?? 0)),
            },
          ],
        ),
        caption: `${context.title}: ${name.toLowerCase()}, cumulative from 1 April`,
        head: ['Month', 'Actual', 'Expected'],
        rows: progress.months.map(({ label, to, actual, expected }) => ({
          name: label,
          href: null,
          cells: [
            countCell(context, measure, actual[measure], { ...yearToDate, to }),
            {
              value: round(expected[measure] ?? 0),
              text: round(expected[measure] ?? 0).toLocaleString('en-GB'),
            },
          ],
        })),
      },
    ];
  });
  return [table, ...charts];
}

function targetStatusFigure(progress: TargetProgress | undefined): OtherFigure {
  const statuses = progress?.measures.flatMap(({ status }) => (status ? [status] : [])) ?? [];
  return {
    id: 'targetStatus',
    name: 'Status against targets',
    rule: TARGET_STATUS_RULE,
    helpAnchor: 'targets',
    text:
      statuses.length === 0
        ? 'No targets set for this financial year'
        : TARGET_STATUSES.map(
            (status) =>
              `${statuses.filter((each) => each === status).length} ${TARGET_STATUS_NAMES[status].toLowerCase()}`,
          ).join(', '),
  };
}

/** A benchmarking rate as the page and its export show it. */
function rateText({ kind, rate }: BenchmarkRate, benchmark: Benchmark): string {
  const value = rate(benchmark);
  if (kind === 'share') return percent(value);
  return value === null ? 'no data (team size not recorded)' : `${Math.round(value * 10) / 10}`;
}

function benchmarkSection(context: ViewContext): Section[] {
  const benchmarks = context.benchmarks ?? [];
  if (benchmarks.length === 0) return [];
  return [
    {
      heading: 'Rates beside the wider areas',
      rule: 'benchmarking',
      caption: `${context.title} beside ${benchmarks
        .slice(1)
        .map(({ name }) => name)
        .join(', ')}`,
      head: ['Rate', ...benchmarks.map(({ name }) => name)],
      rows: BENCHMARK_RATES.map((rate) => ({
        name: rate.name,
        href: null,
        cells: benchmarks.map((benchmark) => {
          const text = rateText(rate, benchmark);
          return { value: text, text };
        }),
      })),
    },
  ];
}

export interface ViewContent {
  readonly headline: readonly CountId[];
  readonly others: readonly OtherFigure[];
  readonly sections: readonly Section[];
}

export function viewContent(view: DashboardView, context: ViewContext): ViewContent {
  const total = context.figures.total;
  switch (view) {
    case 'overview':
      return {
        headline: ALL_COUNTS,
        others: [],
        sections: [
          ...groupSection(context, ALL_COUNTS.slice(0, 9)),
          monthSection(context, ['referrals', 'vpStarts', 'jobStarts'], ALL_COUNTS.slice(0, 9)),
        ],
      };
    case 'referrals':
      return {
        headline: ['referrals'],
        others: [otherFigure('retentionShare', percent(total.retentionShare))],
        sections: [
          monthSection(context, ['referrals'], ['referrals']),
          ...groupSection(context, ['referrals']),
          ...dimensionSections(context, REFERRAL_DIMENSIONS, ['referrals']),
        ],
      };
    case 'vp-starts':
      return {
        headline: ['vpStarts'],
        others: [
          waitFigure(context, 'daysToFirstContact'),
          waitFigure(context, 'daysToEmployerContact'),
        ],
        sections: [
          monthSection(context, ['vpStarts'], ['vpStarts']),
          ...groupSection(context, ['vpStarts']),
        ],
      };
    case 'caseload':
      return {
        headline: ['activeCaseload', 'discharges'],
        others: [otherFigure('employedShareOfCaseload', percent(total.employedShareOfCaseload))],
        sections: [
          ...groupSection(context, ['activeCaseload', 'discharges']),
          ...caseloadPerSpecialistSection(context),
          monthSection(context, ['discharges'], ['activeCaseload', 'discharges']),
        ],
      };
    case 'jobs':
      return {
        headline: ['jobStarts', 'supportedIntoWork', 'firstJobStarts'],
        others: [
          otherFigure(
            'averageHours',
            total.averageHours === null
              ? 'no data'
              : `${Math.round(total.averageHours * 10) / 10} hours a week`,
          ),
          otherFigure('employmentRate', percent(total.employmentRate)),
        ],
        sections: [
          monthSection(
            context,
            ['jobStarts', 'supportedIntoWork', 'firstJobStarts'],
            ['jobStarts', 'supportedIntoWork', 'firstJobStarts'],
          ),
          ...groupSection(context, ['jobStarts', 'supportedIntoWork', 'firstJobStarts']),
          timeToFirstJobSection(context),
        ],
      };
    case 'sustainments':
      return {
        headline: ['sustained13', 'sustained26', 'sustained52'],
        others: [],
        sections: [
          monthSection(
            context,
            ['sustained13', 'sustained26', 'sustained52'],
            ['sustained13', 'sustained26', 'sustained52'],
          ),
          hoursSection(context),
          ...groupSection(context, ['sustained13', 'sustained26', 'sustained52']),
        ],
      };
    case 'demographics':
      return {
        headline: ['referrals', 'vpStarts', 'jobStarts'],
        others: [],
        sections: dimensionSections(
          context,
          [...DEMOGRAPHICS, 'localAuthority'],
          ['referrals', 'vpStarts', 'jobStarts'],
        ),
      };
    case 'quality':
      return {
        headline: [],
        others: [
          waitFigure(context, 'daysToFirstContact'),
          waitFigure(context, 'daysToEmployerContact'),
          averageCaseload(context),
          otherFigure(
            'employedShareOfCaseload',
            `${percent(total.employedShareOfCaseload)} (${GUIDANCE_NOTES.employedShareOfCaseload})`,
            guidance('employedShareOfCaseload', total.employedShareOfCaseload),
          ),
          otherFigure(
            'retentionShare',
            `${percent(total.retentionShare)} (${GUIDANCE_NOTES.retentionShare})`,
            guidance('retentionShare', total.retentionShare),
          ),
          otherFigure(
            'employmentRate',
            `${percent(total.employmentRate)} (${GUIDANCE_NOTES.employmentRate})`,
            guidance('employmentRate', total.employmentRate),
          ),
        ],
        sections: [timeToFirstJobSection(context), ...caseloadPerSpecialistSection(context)],
      };
    case 'targets':
      return {
        headline: [],
        others: [targetStatusFigure(context.targets)],
        sections: targetSections(context),
      };
    case 'benchmarking': {
      const own = context.benchmarks?.[0];
      return {
        headline: [],
        others: BENCHMARK_RATES.map((rate, index) => ({
          id: `benchmark-${index + 1}`,
          name: rate.name,
          rule: rate.rule,
          helpAnchor: 'benchmarking',
          text: own ? rateText(rate, own) : 'no data',
        })),
        sections: benchmarkSection(context),
      };
    }
    case 'freshness':
      return { headline: [], others: [], sections: [freshnessSection(context)] };
  }
}
