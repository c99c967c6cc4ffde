import { formatIso, type IsoDate } from './calendar-date.ts';

/** Today in the Europe/London calendar, where the service's dates live. */
export function londonToday(instant: Date): IsoDate {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return formatIso(part('year'), part('month'), part('day'));
}
