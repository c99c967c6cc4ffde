import {
  addDays,
  addMonths,
  financialYearStart,
  type IsoDate,
  MONTH_NAMES,
  parseIsoDate,
} from '../calendar/calendar-date.ts';
import { formatPeriod } from '../calendar/nhs-dates.ts';
import { financialYearLabel, quarterLabel } from '../metrics/breakdowns.ts';

/** The dashboard's period presets (issue: this financial year by default). */
export const PERIOD_PRESETS = [
  'this-financial-year',
  'last-financial-year',
  'this-quarter',
  'last-quarter',
  'this-month',
  'last-month',
  'custom',
] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

export const PERIOD_PRESET_NAMES: Readonly<Record<PeriodPreset, string>> = {
  'this-financial-year': 'This financial year',
  'last-financial-year': 'Last financial year',
  'this-quarter': 'This quarter',
  'last-quarter': 'Last quarter',
  'this-month': 'This month',
  'last-month': 'Last month',
  custom: 'Dates of your choice',
};

export interface Period {
  readonly from: IsoDate;
  readonly to: IsoDate;
  readonly label: string;
}

/** A period as a heading gives it: its name and dates, once where its name is its dates. */
export function periodText(period: Period): string {
  const dates = formatPeriod(period.from, period.to);
  return period.label === dates ? dates : `${period.label}: ${dates}`;
}

export type PeriodResult =
  | { readonly ok: true; readonly period: Period }
  | { readonly ok: false; readonly field: 'from' | 'to'; readonly message: string };

const monthStart = (date: IsoDate) => `${date.slice(0, 8)}01` as IsoDate;
const quarterStart = (date: IsoDate) => {
  const month = Number(date.slice(5, 7));
  return addMonths(monthStart(date), -((month - 1) % 3));
};

function labelled(from: IsoDate, to: IsoDate, label: string): PeriodResult {
  return { ok: true, period: { from, to, label } };
}

/** The financial year (1 April to 31 March) holding `date`: the dashboards' default period. */
export function financialYear(date: IsoDate): Period {
  const start = financialYearStart(date);
  return {
    from: start,
    to: addDays(addMonths(start, 12), -1),
    label: financialYearLabel(Number(start.slice(0, 4))),
  };
}

/** Whole periods, including the days still to come: figures count up to the as-at date. */
export function resolvePeriod(
  preset: PeriodPreset,
  today: IsoDate,
  custom: { from?: string | undefined; to?: string | undefined } = {},
): PeriodResult {
  switch (preset) {
    case 'this-financial-year':
    case 'last-financial-year': {
      const start = addMonths(
        financialYearStart(today),
        preset === 'this-financial-year' ? 0 : -12,
      );
      return labelled(
        start,
        addDays(addMonths(start, 12), -1),
        financialYearLabel(Number(start.slice(0, 4))),
      );
    }
    case 'this-quarter':
    case 'last-quarter': {
      const start = addMonths(quarterStart(today), preset === 'this-quarter' ? 0 : -3);
      const month = Number(start.slice(5, 7));
      return labelled(
        start,
        addDays(addMonths(start, 3), -1),
        quarterLabel(Number(start.slice(0, 4)), (month + 2) / 3),
      );
    }
    case 'this-month':
    case 'last-month': {
      const start = addMonths(monthStart(today), preset === 'this-month' ? 0 : -1);
      const label = `${MONTH_NAMES[Number(start.slice(5, 7)) - 1]} ${start.slice(0, 4)}`;
      return labelled(start, addDays(addMonths(start, 1), -1), label);
    }
    case 'custom': {
      const from = parseIsoDate(custom.from);
      const to = parseIsoDate(custom.to);
      if (from === null)
        return {
          ok: false,
          field: 'from',
          message: 'Enter the start date',
        };
      if (to === null)
        return {
          ok: false,
          field: 'to',
          message: 'Enter the end date',
        };
      if (from > to)
        return {
          ok: false,
          field: 'to',
          message: 'The end date must be on or after the start date',
        };
      return labelled(from, to, formatPeriod(from, to));
    }
  }
}
