import {
  addDays,
  addMonths,
  financialYearStart,
  formatIso,
  type IsoDate,
  MONTH_NAMES,
} from '../calendar/calendar-date.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { computeMetrics, type MetricsQuery, type MetricsResult } from './compute.ts';
import type { DerivedRecord } from './derive.ts';

/**
 * Splitting the figures (docs/METRICS.md "Breakdowns"): by a record's own fields, by any grouping a
 * caller supplies (team, service, ICS, region), or by calendar sub-periods of the period.
 */

export const NOT_RECORDED = 'Not recorded';

export const RECORD_DIMENSIONS = [
  'specialist',
  'gender',
  'ethnicity',
  'ageBand',
  'benefits',
  'employmentStatus',
  'referralSource',
  'referralSourceCategory',
  'localAuthority',
  'caseloadStatus',
  'dischargeReason',
  'substanceGroup',
] as const satisfies ReadonlyArray<keyof ReferralRecord>;
export type RecordDimension = (typeof RECORD_DIMENSIONS)[number];

/** What each field is called on dashboards and in drill-through titles. */
export const RECORD_DIMENSION_NAMES: Readonly<Record<RecordDimension, string>> = {
  specialist: 'Employment specialist',
  gender: 'Gender',
  ethnicity: 'Ethnicity',
  ageBand: 'Age band at referral',
  benefits: 'Work related benefits',
  employmentStatus: 'Employment status at referral',
  referralSource: 'Referral source',
  referralSourceCategory: 'National referral source category',
  localAuthority: 'Local authority of residence',
  caseloadStatus: 'Caseload status',
  dischargeReason: 'Reason for discharge',
  substanceGroup: 'Substance group',
};

export function groupByRecordField(dimension: RecordDimension): (derived: DerivedRecord) => string {
  return (derived) => derived.record[dimension] ?? NOT_RECORDED;
}

/** The records of each group, groups in order of first appearance. */
export function groupRecords(
  records: readonly DerivedRecord[],
  groupOf: (derived: DerivedRecord) => string,
): Map<string, DerivedRecord[]> {
  const groups = new Map<string, DerivedRecord[]>();
  for (const derived of records) {
    const key = groupOf(derived);
    const group = groups.get(key);
    if (group) group.push(derived);
    else groups.set(key, [derived]);
  }
  return groups;
}

/** The figures for each group, groups in label order. */
export function breakdownBy(
  records: readonly DerivedRecord[],
  query: MetricsQuery,
  groupOf: (derived: DerivedRecord) => string,
): Map<string, MetricsResult> {
  const groups = groupRecords(records, groupOf);
  return new Map(
    [...groups.keys()]
      .sort((a, b) => a.localeCompare(b, 'en-GB'))
      .map((key) => [key, computeMetrics(groups.get(key) ?? [], query)]),
  );
}

export type TimeDimension = 'month' | 'quarter' | 'financialYear';

export interface SubPeriod {
  readonly label: string;
  readonly from: IsoDate;
  readonly to: IsoDate;
}

/** "2024/25" for the financial year starting 1 April 2024. */
export function financialYearLabel(startYear: number): string {
  return `${startYear}/${String((startYear + 1) % 100).padStart(2, '0')}`;
}

/** The financial year containing `date`: 1 April to 31 March, labelled "2024/25". */
export function financialYearOf(date: IsoDate): SubPeriod {
  const from = financialYearStart(date);
  return {
    label: financialYearLabel(Number(from.slice(0, 4))),
    from,
    to: addDays(addMonths(from, 12), -1),
  };
}

/**
 * Calendar quarters as the Reporting Tool numbers them (Q1 = January–March), always with their
 * months and financial quarter, because the two numberings confuse: "July to September 2024
 * (calendar Q3, financial Q2 2024/25)".
 */
export function quarterLabel(year: number, calendarQuarter: number): string {
  const firstMonth = (calendarQuarter - 1) * 3;
  const financialQuarter = ((calendarQuarter + 2) % 4) + 1;
  const financialStartYear = calendarQuarter === 1 ? year - 1 : year;
  return `${MONTH_NAMES[firstMonth]} to ${MONTH_NAMES[firstMonth + 2]} ${year} (calendar Q${calendarQuarter}, financial Q${financialQuarter} ${financialYearLabel(financialStartYear)})`;
}

/** The months, quarters or financial years that overlap [from, to], each clipped to it. */
export function subPeriods(from: IsoDate, to: IsoDate, dimension: TimeDimension): SubPeriod[] {
  const periods: SubPeriod[] = [];
  const year = Number(from.slice(0, 4));
  const month = Number(from.slice(5, 7));
  let start =
    dimension === 'month'
      ? formatIso(year, month, 1)
      : dimension === 'quarter'
        ? formatIso(year, month - ((month - 1) % 3), 1)
        : formatIso(month >= 4 ? year : year - 1, 4, 1);
  const step = dimension === 'month' ? 1 : dimension === 'quarter' ? 3 : 12;
  while (start <= to) {
    const next = addMonths(start, step);
    const startYear = Number(start.slice(0, 4));
    const startMonth = Number(start.slice(5, 7));
    const label =
      dimension === 'month'
        ? `${MONTH_NAMES[startMonth - 1]} ${startYear}`
        : dimension === 'quarter'
          ? quarterLabel(startYear, (startMonth + 2) / 3)
          : financialYearLabel(startYear);
    const end = addDays(next, -1);
    periods.push({ label, from: start < from ? from : start, to: end > to ? to : end });
    start = next;
  }
  return periods;
}

/** The figures for each sub-period, each with its own as-at date (min of its end and today). */
export function breakdownByTime(
  records: readonly DerivedRecord[],
  query: MetricsQuery,
  dimension: TimeDimension,
): Array<SubPeriod & { readonly metrics: MetricsResult }> {
  return subPeriods(query.from, query.to, dimension).map((period) => ({
    ...period,
    metrics: computeMetrics(records, { ...query, from: period.from, to: period.to }),
  }));
}
