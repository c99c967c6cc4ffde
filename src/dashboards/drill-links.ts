import type { IsoDate } from '../calendar/calendar-date.ts';
import type { EmploymentStatusFilter } from '../metrics/compute.ts';
import { type Drill, drillParameters } from './drill-through.ts';
import type { Period, PeriodPreset } from './period.ts';

/** A count's slice of the dashboard: one group of the breakdown, or one month. */
export interface DrillWhere {
  readonly group?: string;
  readonly from?: IsoDate;
  readonly to?: IsoDate;
  /** Every client, whatever the employment status filter (as targets count). */
  readonly everyClient?: boolean;
}

/** Where the records behind a figure are: a link, or null where there is none to open. */
export type DrillLink = (drill: Drill, where: DrillWhere) => string | null;

/** Which records pages the viewer may open from a dashboard, by the kind of scope it is. */
export type RecordsPages =
  /** A team's dashboard: its records page, a specialist's row opening that specialist's records. */
  | { readonly kind: 'team'; readonly href: string }
  /**
   * A service's dashboard by team: each team's row opens that team's records, if the viewer may
   * open every team's; the whole service's figures open the service's, for its manager.
   */
  | { readonly kind: 'service'; readonly teamRecords: boolean; readonly href: string | null }
  /** No records for this viewer here (a summary, or an area). */
  | { readonly kind: 'none' };

/** The dashboard's filters a link to the records keeps. */
export interface DrillFilters {
  readonly preset: PeriodPreset;
  /** The dates of a custom period. */
  readonly period: Pick<Period, 'from' | 'to'>;
  readonly employmentStatus: EmploymentStatusFilter;
  /** The narrower part of the scope chosen, if any. */
  readonly within?: { readonly value: string; readonly specialist?: string };
}

function recordsQuery(filters: DrillFilters, drill: Drill, where: DrillWhere): URLSearchParams {
  const query = new URLSearchParams([
    ...drillParameters(drill),
    ['employmentStatus', where.everyClient ? 'all' : filters.employmentStatus],
  ]);
  if (where.from && where.to) {
    query.set('period', 'custom');
    query.set('from', where.from);
    query.set('to', where.to);
  } else {
    query.set('period', filters.preset);
    if (filters.preset === 'custom') {
      query.set('from', filters.period.from);
      query.set('to', filters.period.to);
    }
  }
  return query;
}

/** The links from a dashboard's figures to the records behind them, or none for this viewer. */
export function drillLinks(pages: RecordsPages, filters: DrillFilters): DrillLink | undefined {
  switch (pages.kind) {
    case 'none':
      return undefined;
    case 'team':
      return (drill, where) => {
        const query = recordsQuery(filters, drill, where);
        const specialist = where.group ?? filters.within?.specialist;
        if (specialist) query.set('specialist', specialist);
        return `${pages.href}?${query}`;
      };
    case 'service':
      return (drill, where) => {
        const query = recordsQuery(filters, drill, where);
        // A row of the breakdown by team opens that team's records.
        if (where.group) return pages.teamRecords ? `/teams/${where.group}/records?${query}` : null;
        if (filters.within) query.set('within', filters.within.value);
        return pages.href ? `${pages.href}?${query}` : null;
      };
  }
}
