import { formatUkDate } from '../calendar/calendar-date.ts';
import type { EmploymentStatusFilter, MetricsResult, TimeToTarget } from '../metrics/compute.ts';
import { METRIC_BY_ID, type MetricId } from '../metrics/definitions.ts';
import { GUIDANCE_NOTES, QUALITY_GUIDANCE } from '../metrics/guidance.ts';

/** The figures as a readable two-column table for the terminal. */

const NO_DATA = 'no data';
const percent = (share: number | null) =>
  share === null ? NO_DATA : `${(share * 100).toFixed(1)}%`;
const days = (value: number | null) => (value === null ? NO_DATA : `${value} days`);

const FILTER_LABEL: Record<EmploymentStatusFilter, string> = {
  all: 'all employment statuses at referral',
  'out-of-work': 'out of work at referral',
  'in-work': 'in work at referral',
};

export function formatMetricsTable(
  metrics: MetricsResult,
  employmentStatus: EmploymentStatusFilter,
): string {
  const rows: Array<[string, string]> = [];
  const name = (id: MetricId) => METRIC_BY_ID.get(id)?.name ?? id;
  const add = (label: string, value: string | number) => rows.push([label, String(value)]);
  const hours = (weeks: '13' | '26' | '52') => {
    const bands = metrics.sustainedByHours[weeks];
    return `(under 16 h: ${bands.under16}, 16 h or more: ${bands['16plus']}, hours not recorded: ${bands.unknown})`;
  };
  const timed = (id: 'daysToFirstContact' | 'daysToEmployerContact', value: TimeToTarget) =>
    add(
      name(id),
      `median ${days(value.median)}; ${percent(value.withinTarget)} within ${days(QUALITY_GUIDANCE[id].withinDays)} (n = ${value.n})`,
    );
  const guided = (id: keyof typeof GUIDANCE_NOTES, value: string) =>
    add(name(id), `${value} (${GUIDANCE_NOTES[id]})`);

  for (const id of [
    'referrals',
    'vpStarts',
    'activeCaseload',
    'jobStarts',
    'supportedIntoWork',
    'firstJobStarts',
  ] as const) {
    add(name(id), metrics[id]);
  }
  add(name('sustained13'), `${metrics.sustained13} ${hours('13')}`);
  add(name('sustained26'), `${metrics.sustained26} ${hours('26')}`);
  add(name('sustained52'), `${metrics.sustained52} ${hours('52')}`);
  add(name('discharges'), metrics.discharges);
  timed('daysToFirstContact', metrics.daysToFirstContact);
  timed('daysToEmployerContact', metrics.daysToEmployerContact);
  const bands = metrics.timeToFirstJob;
  add(
    name('timeToFirstJob'),
    `under 6 months: ${bands.under6m}, 6 to 12 months: ${bands['6to12m']}, over 12 months: ${bands.over12m}, no VP start: ${bands.noVpStart}`,
  );
  const specialists = Object.entries(metrics.caseloadPerSpecialist);
  guided(
    'caseloadPerSpecialist',
    specialists.length === 0
      ? NO_DATA
      : specialists.map(([initials, count]) => `${initials} ${count}`).join(', '),
  );
  guided('employedShareOfCaseload', percent(metrics.employedShareOfCaseload));
  guided('retentionShare', percent(metrics.retentionShare));
  add(
    name('averageHours'),
    metrics.averageHours === null ? NO_DATA : `${metrics.averageHours.toFixed(1)} hours`,
  );
  guided('employmentRate', percent(metrics.employmentRate));

  const { from, to, asAt } = metrics.period;
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    `Figures for ${formatUkDate(from)} to ${formatUkDate(to)}, as at ${formatUkDate(asAt)}; ${FILTER_LABEL[employmentStatus]}`,
    '',
    ...rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`),
    '',
  ].join('\n');
}
