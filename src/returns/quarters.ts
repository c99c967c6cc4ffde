import { addDays, addMonths, type IsoDate } from '../calendar/calendar-date.ts';
import { quarterLabel } from '../metrics/breakdowns.ts';

/**
 * Calendar quarters as NHS England's quarterly return counts them (Q1 = January to March), always
 * shown with their months and the financial quarter too, because July to September is Q3 in the
 * return but Q2 of the financial year (docs/METRICS.md "Financial years, quarters").
 */

export interface Quarter {
  readonly year: number;
  /** Calendar quarter, 1 (January to March) to 4 (October to December). */
  readonly quarter: 1 | 2 | 3 | 4;
}

const QUARTER_TEXT = /^(\d{4})Q([1-4])$/;

/** "2024Q3" → the calendar quarter; null for anything else. */
export function parseQuarter(text: string): Quarter | null {
  const match = QUARTER_TEXT.exec(text.trim().toUpperCase());
  if (match === null) return null;
  const year = Number(match[1]);
  if (year < 2000 || year > 2100) return null;
  return { year, quarter: Number(match[2]) as Quarter['quarter'] };
}

export const quarterId = ({ year, quarter }: Quarter) => `${year}Q${quarter}`;

export function quarterStart({ year, quarter }: Quarter): IsoDate {
  return `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
}

export function quarterEnd(quarter: Quarter): IsoDate {
  return addDays(addMonths(quarterStart(quarter), 3), -1);
}

/** The calendar quarter holding a date. */
export function quarterOf(date: IsoDate): Quarter {
  const month = Number(date.slice(5, 7));
  return {
    year: Number(date.slice(0, 4)),
    quarter: (Math.floor((month - 1) / 3) + 1) as Quarter['quarter'],
  };
}

export function addQuarters({ year, quarter }: Quarter, count: number): Quarter {
  const index = year * 4 + (quarter - 1) + count;
  return { year: Math.floor(index / 4), quarter: ((index % 4) + 1) as Quarter['quarter'] };
}

/** "July to September 2024 (calendar Q3, financial Q2 2024/25)". */
export const labelOf = ({ year, quarter }: Quarter) => quarterLabel(year, quarter);

/** The quarters a return can be entered for: from eight back to the current one, newest first. */
export function recentQuarters(today: IsoDate, count = 9): Quarter[] {
  const current = quarterOf(today);
  return Array.from({ length: count }, (_, index) => addQuarters(current, -index));
}
