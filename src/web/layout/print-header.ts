import { londonToday } from '../../calendar/london-today.ts';
import { formatDate } from '../../calendar/nhs-dates.ts';

/**
 * What a printed page says at its top, since a board report is read away from the screen: whose
 * figures, for when, as at when, and when it was printed. The layout shows it only in print.
 */
export interface PrintHeader {
  readonly scope: string;
  readonly period: string;
  /** When the figures were taken, where that differs from the day printed. */
  readonly asAt: string | null;
  readonly printedOn: string;
}

export function printHeader(
  now: Date,
  scope: string,
  period: string,
  /** As people read it ("1 June 2026", "2 June 2026 at 9am"). */
  asAt: string | null = null,
): PrintHeader {
  return { scope, period, asAt, printedOn: formatDate(londonToday(now)) };
}

/** A table of more columns than this prints on a landscape page: portrait would squash it. */
const PORTRAIT_COLUMNS = 5;

export const printsLandscape = (columns: number) => columns > PORTRAIT_COLUMNS;
