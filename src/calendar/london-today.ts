import { formatIso, type IsoDate } from './calendar-date.ts';

/** Made once: making a formatter costs far more than using one (pages format many dates). */
const LONDON_DATE = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today in the Europe/London calendar, where the service's dates live. */
export function londonToday(instant: Date): IsoDate {
  const parts = LONDON_DATE.formatToParts(instant);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return formatIso(part('year'), part('month'), part('day'));
}
