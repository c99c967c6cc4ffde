import { fromDayNumber, type IsoDate, toDayNumber } from '../calendar/calendar-date.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { IN_WORK_STATUSES, OUT_OF_WORK_STATUSES } from '../spreadsheet/lists.ts';

/**
 * What the engine works out once per record, at upload (METRICS.md): the jobs that count, the
 * first job start, and the 13/26/52-week sustainment dates and hours bands computed with open jobs
 * assumed to continue. Queries then only compare these dates with the period and the as-at date:
 * accrual up to a date depends only on days up to that date, so a sustainment date counted only
 * where it is ≤ A gives exactly the rule "as at A".
 */

export const SUSTAINMENT_WEEKS = [13, 26, 52] as const;
export type SustainmentWeeks = (typeof SUSTAINMENT_WEEKS)[number];

export type HoursBand = 'under16' | '16plus' | 'unknown';

/** A break of this many days or more between jobs resets the sustainment clock. */
export const SUSTAINMENT_RESET_BREAK_DAYS = 42;
const HOURS_BAND_THRESHOLD = 16;

export interface SustainmentOutcome {
  readonly date: IsoDate;
  readonly day: number;
  readonly hoursBand: HoursBand;
}

/** A job that counts: started on or after the referral date and not ending before it starts. */
export interface CountedJob {
  readonly startDay: number;
  /** Last day covered; +Infinity while the job is held (no end date). */
  readonly endDay: number;
  readonly hoursPerWeek: number | null;
}

export interface DerivedRecord {
  readonly record: ReferralRecord;
  readonly referralDay: number;
  /**
   * As recorded, even when before the referral date: METRICS.md counts a VP start by its date
   * alone (and the shared fixtures agree), unlike job starts.
   */
  readonly vpStartDay: number | null;
  readonly dischargeDay: number | null;
  readonly firstContactDay: number | null;
  readonly employerContactDay: number | null;
  readonly countedJobs: readonly CountedJob[];
  readonly firstJobStartDay: number | null;
  readonly sustainments: Readonly<Record<SustainmentWeeks, SustainmentOutcome | null>>;
  /** Employment status at referral: one of the two "Unemployed" values. */
  readonly outOfWork: boolean;
  /** Employment status at referral: one of the three "Employed" values. */
  readonly inWork: boolean;
}

const dayOrNull = (date: IsoDate | null): number | null =>
  date === null ? null : toDayNumber(date);

/** Shared by every record without a counted job (most of them), so nothing is allocated. */
const NO_SUSTAINMENTS: Readonly<Record<SustainmentWeeks, SustainmentOutcome | null>> =
  Object.freeze({
    13: null,
    26: null,
    52: null,
  });

export function deriveRecord(record: ReferralRecord): DerivedRecord {
  const referralDay = toDayNumber(record.referralDate);
  const countedJobs: CountedJob[] = [];
  for (const job of record.jobs) {
    const startDay = toDayNumber(job.startDate);
    const endDay = job.endDate === null ? Number.POSITIVE_INFINITY : toDayNumber(job.endDate);
    if (startDay < referralDay || endDay < startDay) continue;
    countedJobs.push({ startDay, endDay, hoursPerWeek: job.hoursPerWeek });
  }
  countedJobs.sort((a, b) => a.startDay - b.startDay || a.endDay - b.endDay);
  return {
    record,
    referralDay,
    vpStartDay: dayOrNull(record.vpStartDate),
    dischargeDay: dayOrNull(record.dischargeDate),
    firstContactDay: dayOrNull(record.firstContactDate),
    employerContactDay: dayOrNull(record.employerContactDate),
    countedJobs,
    firstJobStartDay: countedJobs[0]?.startDay ?? null,
    sustainments: countedJobs.length === 0 ? NO_SUSTAINMENTS : sustainmentDates(countedJobs),
    outOfWork:
      record.employmentStatus !== null && OUT_OF_WORK_STATUSES.includes(record.employmentStatus),
    inWork: record.employmentStatus !== null && IN_WORK_STATUSES.includes(record.employmentStatus),
  };
}

interface Spell {
  readonly startDay: number;
  readonly endDay: number;
}

/** Employed days grouped into spells of consecutive days (overlapping jobs count a day once). */
function employedSpells(jobs: readonly CountedJob[]): Spell[] {
  const spells: Spell[] = [];
  let current: { startDay: number; endDay: number } | null = null;
  for (const job of jobs) {
    if (current !== null && job.startDay <= current.endDay + 1) {
      current.endDay = Math.max(current.endDay, job.endDay);
      continue;
    }
    if (current !== null) spells.push(current);
    current = { startDay: job.startDay, endDay: job.endDay };
  }
  if (current !== null) spells.push(current);
  return spells;
}

/**
 * The IPS Grow sustainment rule (METRICS.md steps 1–6) on jobs sorted by start, with open jobs
 * continuing for ever: walk the spells accruing employed days; a break of 42 days or more restarts
 * the clock; N weeks are achieved on the day the accrued count reaches 7 × N, and stay achieved.
 */
export function sustainmentDates(
  jobs: readonly CountedJob[],
): Record<SustainmentWeeks, SustainmentOutcome | null> {
  const outcomes: Record<SustainmentWeeks, SustainmentOutcome | null> = {
    13: null,
    26: null,
    52: null,
  };
  let accrued = 0;
  let clockStartDay = 0;
  let previousEndDay: number | null = null;
  for (const spell of employedSpells(jobs)) {
    if (
      previousEndDay === null ||
      spell.startDay - previousEndDay - 1 >= SUSTAINMENT_RESET_BREAK_DAYS
    ) {
      accrued = 0;
      clockStartDay = spell.startDay;
    }
    const spellDays = spell.endDay - spell.startDay + 1;
    for (const weeks of SUSTAINMENT_WEEKS) {
      if (outcomes[weeks] !== null) continue;
      const needed = weeks * 7 - accrued;
      if (spellDays < needed) continue;
      const day = spell.startDay + needed - 1;
      outcomes[weeks] = {
        date: fromDayNumber(day),
        day,
        hoursBand: hoursBand(jobs, clockStartDay, day, weeks * 7),
      };
    }
    accrued += spellDays;
    previousEndDay = spell.endDay;
    if (outcomes[52] !== null) break;
  }
  return outcomes;
}

/**
 * Average weekly hours over the accrued days that earned a sustainment: every employed day from the
 * clock start to the achievement day (breaks have no jobs, so add nothing). Hours of jobs covering
 * the same day add up; a job without hours on any of those days makes the band unknown.
 */
function hoursBand(
  jobs: readonly CountedJob[],
  fromDay: number,
  toDay: number,
  accruedDays: number,
): HoursBand {
  let hourDays = 0;
  for (const job of jobs) {
    const overlap = Math.min(job.endDay, toDay) - Math.max(job.startDay, fromDay) + 1;
    if (overlap <= 0) continue;
    if (job.hoursPerWeek === null) return 'unknown';
    hourDays += job.hoursPerWeek * overlap;
  }
  return hourDays / accruedDays < HOURS_BAND_THRESHOLD ? 'under16' : '16plus';
}
