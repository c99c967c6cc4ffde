import { createHmac } from 'node:crypto';
import { ageOn, type IsoDate } from '../calendar/calendar-date.ts';
import type { AgeBand } from './referral-record.ts';

/**
 * Pseudonymisation at the door: the client ID becomes a keyed hash so re-uploads match without
 * keeping the ID, and the date of birth becomes an age band at referral.
 */

export type ClientKeyOf = (clientId: string) => string;

/** HMAC-SHA-256 of the trimmed client ID with the service's secret, as hex. */
export function clientKeyHasher(secret: string | Uint8Array): ClientKeyOf {
  if (secret.length === 0) throw new Error('The pseudonymisation secret must not be empty.');
  return (clientId) => createHmac('sha256', secret).update(clientId.trim()).digest('hex');
}

/** Age band at referral (docs/METRICS.md "Breakdowns"); under 16 is outside the bands, so unknown. */
export function ageBandAtReferral(dateOfBirth: IsoDate | null, referralDate: IsoDate): AgeBand {
  if (dateOfBirth === null) return 'unknown';
  const age = ageOn(dateOfBirth, referralDate);
  if (age < 16) return 'unknown';
  if (age < 18) return '16–17';
  if (age < 25) return '18–24';
  if (age < 35) return '25–34';
  if (age < 45) return '35–44';
  if (age < 55) return '45–54';
  if (age < 65) return '55–64';
  return '65 and over';
}
