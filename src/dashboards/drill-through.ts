import {
  groupByRecordField,
  RECORD_DIMENSION_NAMES,
  RECORD_DIMENSIONS,
  type RecordDimension,
} from '../metrics/breakdowns.ts';
import { computeMetrics, type MetricsQuery, type MetricsResult } from '../metrics/compute.ts';
import { ALL_COUNTS, type CountId, METRIC_BY_ID, type MetricId } from '../metrics/definitions.ts';
import type {
  DerivedRecord,
  HoursBand,
  SustainmentWeeks,
  TimeToFirstJobBand,
} from '../metrics/derive.ts';

/**
 * Drill-through (docs/DESIGN.md: "from any figure to the pseudonymised records behind it"): what a
 * figure's link asks for, as URL parameters and back, and whether a record is behind it. A record
 * is behind a figure when the metric engine, given that record alone, counts it: one definition,
 * never a second in SQL.
 */

export const HOURS_BANDS = ['under16', '16plus', 'unknown'] as const satisfies readonly HoursBand[];

export const HOURS_BAND_NAMES: Readonly<Record<HoursBand, string>> = {
  under16: 'Under 16 hours',
  '16plus': '16 hours or more',
  unknown: 'Hours not recorded',
};

export const TIME_TO_FIRST_JOB_BAND_NAMES: Readonly<Record<TimeToFirstJobBand, string>> = {
  under6m: 'Under 6 months',
  '6to12m': '6 to 12 months',
  over12m: 'Over 12 months',
  noVpStart: 'No VP start recorded',
};

const WAITS = ['daysToFirstContact', 'daysToEmployerContact'] as const;

/** Each share, and what the records counted in it (its numerator) are. */
export const SHARE_PARTS = {
  employedShareOfCaseload: 'with a job on the as-at date',
  retentionShare: 'employed at referral',
  employmentRate: 'in paid work',
} as const;
type ShareId = keyof typeof SHARE_PARTS;
const SHARES = Object.keys(SHARE_PARTS) as ShareId[];
const WEEKS = ['13', '26', '52'] as const satisfies readonly `${SustainmentWeeks}`[];

/** One figure, or one band of a banded figure, or the records a wait is measured over. */
export type DrillFigure =
  | { readonly metric: CountId }
  | {
      readonly metric: 'sustainedByHours';
      readonly weeks: (typeof WEEKS)[number];
      readonly band: HoursBand;
    }
  | { readonly metric: 'timeToFirstJob'; readonly band: TimeToFirstJobBand }
  | { readonly metric: (typeof WAITS)[number] }
  /** A share's or an average's records: those it is taken over. */
  | { readonly metric: ShareId | 'averageHours' };

/**
 * The fields a figure can be narrowed by: the dashboards' rows by a field of the record. Not the
 * specialist, which is ES-level detail with a filter (and a permission) of its own.
 */
export const DRILL_DIMENSIONS = RECORD_DIMENSIONS.filter(
  (dimension): dimension is Exclude<RecordDimension, 'specialist'> => dimension !== 'specialist',
);
export type DrillDimension = (typeof DRILL_DIMENSIONS)[number];

/** The figure, narrowed to one value of a record's field (a demographics row) if asked. */
export interface Drill {
  readonly figure: DrillFigure;
  readonly breakdown?: { readonly dimension: DrillDimension; readonly value: string };
}

const isOneOf = <T extends string>(list: readonly T[], value: string | undefined): value is T =>
  list.includes(value as T);

function figureOf(parameters: Readonly<Record<string, string | undefined>>): DrillFigure | null {
  const { metric, weeks, band } = parameters;
  if (
    isOneOf(ALL_COUNTS, metric) ||
    isOneOf(WAITS, metric) ||
    isOneOf(SHARES, metric) ||
    metric === 'averageHours'
  ) {
    return { metric };
  }
  if (metric === 'sustainedByHours' && isOneOf(WEEKS, weeks)) {
    return isOneOf(HOURS_BANDS, band) ? { metric, weeks, band } : null;
  }
  if (metric === 'timeToFirstJob') {
    const bands = Object.keys(TIME_TO_FIRST_JOB_BAND_NAMES) as TimeToFirstJobBand[];
    return isOneOf(bands, band) ? { metric, band } : null;
  }
  return null;
}

/** The drill a link's parameters ask for; null when they ask for none, or one that isn't. */
export function drillOf(parameters: Readonly<Record<string, string | undefined>>): Drill | null {
  const figure = figureOf(parameters);
  if (figure === null) return null;
  const { dimension, value } = parameters;
  if (dimension === undefined) return { figure };
  return isOneOf(DRILL_DIMENSIONS, dimension) && value !== undefined && value.length <= 200
    ? { figure, breakdown: { dimension, value } }
    : null;
}

/** The link parameters of a drill: `drillOf` reads them back. */
export function drillParameters({ figure, breakdown }: Drill): Array<[string, string]> {
  return [
    ['metric', figure.metric],
    ...('weeks' in figure ? [['weeks', figure.weeks] as [string, string]] : []),
    ...('band' in figure ? [['band', figure.band] as [string, string]] : []),
    ...(breakdown
      ? [
          ['dimension', breakdown.dimension] as [string, string],
          ['value', breakdown.value] as [string, string],
        ]
      : []),
  ];
}

/** How much of the figure one record's metrics hold. */
function share(figure: DrillFigure, metrics: MetricsResult): number {
  switch (figure.metric) {
    case 'sustainedByHours':
      return metrics.sustainedByHours[figure.weeks][figure.band];
    case 'timeToFirstJob':
      return metrics.timeToFirstJob[figure.band];
    case 'daysToFirstContact':
    case 'daysToEmployerContact':
      return metrics[figure.metric].n;
    case 'employedShareOfCaseload':
    case 'retentionShare':
    case 'employmentRate':
    case 'averageHours':
      // One record's share is 1, 0, or null when it is not in the share's population.
      return metrics[figure.metric] === null ? 0 : 1;
    default:
      return metrics[figure.metric];
  }
}

/**
 * How much of the figure one record holds: 0 when it is not behind it, else 1, or for job starts
 * the jobs it started.
 */
export function shareOf(derived: DerivedRecord, drill: Drill, query: MetricsQuery): number {
  const { breakdown } = drill;
  if (breakdown && !hasValue(derived, breakdown)) return 0;
  return share(drill.figure, computeMetrics([derived], query));
}

/** Whether a figure of these metrics is taken over any records: a link would list some. */
export function hasRecords(drill: Drill, metrics: MetricsResult): boolean {
  return share(drill.figure, metrics) > 0;
}

/** For a share's records: whether this one is counted in the share (its numerator). */
export function isCountedInShare(derived: DerivedRecord, metric: ShareId, query: MetricsQuery) {
  return computeMetrics([derived], query)[metric] === 1;
}

/** The share a drill asks for the records of, if it does. */
export const shareOfDrill = (drill: Drill | null): ShareId | null =>
  drill !== null && isOneOf(SHARES, drill.figure.metric) ? drill.figure.metric : null;

/** Whether the record holds this value of the field. */
export function hasValue(derived: DerivedRecord, breakdown: NonNullable<Drill['breakdown']>) {
  return groupByRecordField(breakdown.dimension)(derived) === breakdown.value;
}

/** What the records are behind, in words: "job sustainments at 13 weeks, under 16 hours". */
export function drillDescription({ figure, breakdown }: Drill): string {
  const name = (id: MetricId) => METRIC_BY_ID.get(id)?.name.toLowerCase() ?? id;
  const described =
    figure.metric === 'sustainedByHours'
      ? `${name(`sustained${figure.weeks}`)}, ${HOURS_BAND_NAMES[figure.band].toLowerCase()}`
      : figure.metric === 'timeToFirstJob'
        ? `${name('firstJobStarts')}, ${figure.band === 'noVpStart' ? 'no VP start recorded' : `${TIME_TO_FIRST_JOB_BAND_NAMES[figure.band].toLowerCase()} from the VP start`}`
        : name(figure.metric);
  return breakdown
    ? `${described}, ${RECORD_DIMENSION_NAMES[breakdown.dimension].toLowerCase()}: ${breakdown.value}`
    : described;
}
