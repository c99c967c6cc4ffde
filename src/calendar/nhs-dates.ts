/**
 * Dates and times as people read them, in the NHS content style
 * (https://service-manual.nhs.uk/content/numbers-measurements-dates-time): "1 April 2026" with no
 * leading zero or "st", times on the 12-hour clock with am or pm and no space ("5:46pm"),
 * "midnight" and "midday" rather than "12am" and "12pm", and "to" in ranges. Exports and the
 * API keep ISO dates: machines read those.
 */
import { type IsoDate, MONTH_NAMES } from './calendar-date.ts';

/** "1 April 2026" from "2026-04-01". */
export function formatDate(date: IsoDate): string {
  const month = MONTH_NAMES[Number(date.slice(5, 7)) - 1];
  return `${Number(date.slice(8, 10))} ${month} ${Number(date.slice(0, 4))}`;
}

/** "1 April 2025 to 31 March 2026". */
export function formatPeriod(from: IsoDate, to: IsoDate): string {
  return `${formatDate(from)} to ${formatDate(to)}`;
}

/** Made once: making a formatter costs far more than using one (pages format many times). */
const LONDON_PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  hourCycle: 'h23',
});

/** An instant's date and 24-hour time on the clocks in England (BST in summer, GMT in winter). */
function londonParts(instant: Date) {
  const parts = LONDON_PARTS.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    Number(parts.find((p) => p.type === type)?.value);
  return {
    year: part('year'),
    month: part('month'),
    day: part('day'),
    hour: part('hour'),
    minute: part('minute'),
  };
}

/** "5:46pm", "9am", "midnight", "midday". */
function formatTime(hour: number, minute: number): string {
  if (minute === 0 && hour === 0) return 'midnight';
  if (minute === 0 && hour === 12) return 'midday';
  const clockHour = hour % 12 === 0 ? 12 : hour % 12;
  const minutes = minute === 0 ? '' : `:${String(minute).padStart(2, '0')}`;
  return `${clockHour}${minutes}${hour < 12 ? 'am' : 'pm'}`;
}

/** "2 December 2026 at 5:46pm", in Europe/London time. */
export function formatDateTime(instant: Date): string {
  const { year, month, day, hour, minute } = londonParts(instant);
  return `${day} ${MONTH_NAMES[month - 1]} ${year} at ${formatTime(hour, minute)}`;
}

/** "2 December 2026": the day an instant fell on in England. */
export function formatInstantDate(instant: Date): string {
  const { year, month, day } = londonParts(instant);
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`;
}
