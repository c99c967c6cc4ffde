import {
  daysInMonth,
  fromDayNumber,
  type IsoDate,
  toDayNumber,
} from '../calendar/calendar-date.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { IN_WORK_STATUSES, OUT_OF_WORK_STATUSES } from '../spreadsheet/lists.ts';

/**
 * What the engine works out once per record, at upload (docs/METRICS.md): the jobs that count, the
 * first job start, and the 13/26/52-week sustainment dates and hours bands computed with open jobs
 * assumed to continue. Queries then only compare these dates with the period and the as-at date:
 * accrual up to a date depends only on days up to that date, so a sustainment date counted only
 * where it is ≤ A gives exactly the rule "as at A".
 */

export const SUSTAINMENT_WEEKS = [13, 26, 52] as const;
export type SustainmentWeeks = (typeof SUSTAINMENT_WEEKS)[number];

export type HoursBand = 'under16' | '16plus' | 'unknown';
export type TimeToFirstJobBand = 'under6m' | '6to12m' | 'over12m' | 'noVpStart';

/** A break of this many days or more between jobs resets the sustainment clock. */
export const SUSTAINMENT_RESET_BREAK_DAYS = 42;
const HOURS_BAND_THRESHOLD = 16;
/**
 * Hours such as 0.07 + 15.93 are not exact in binary, so an average of exactly 16 can come out a
 * hair below it; no hours typed into a spreadsheet make a real average this close to 16.
 */
const HOURS_AVERAGE_TOLERANCE = 1e-9;

export class SustainmentOutcome {
  constructor(
    /** Day number of the day the accrued count reached 7 × N. */
    readonly day: number,
    readonly hoursBand: HoursBand,
  ) {}

  /** Made when asked: queries compare day numbers only. */
  get date(): IsoDate {
    return fromDayNumber(this.day);
  }
}

/**
 * The outcome at each N weeks, or null while not achieved. Named fields rather than keys 13, 26
 * and 52: integer keys would give every record with a job a 56-slot array of holes.
 */
export interface Sustainments {
  readonly weeks13: SustainmentOutcome | null;
  readonly weeks26: SustainmentOutcome | null;
  readonly weeks52: SustainmentOutcome | null;
}

export function sustainmentAt(
  sustainments: Sustainments,
  weeks: SustainmentWeeks,
): SustainmentOutcome | null {
  if (weeks === 13) return sustainments.weeks13;
  return weeks === 26 ? sustainments.weeks26 : sustainments.weeks52;
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
   * As recorded, even when before the referral date: docs/METRICS.md counts a VP start by its date
   * alone (and the shared fixtures agree), unlike job starts.
   */
  readonly vpStartDay: number | null;
  readonly dischargeDay: number | null;
  readonly firstContactDay: number | null;
  readonly employerContactDay: number | null;
  /** Sorted by start day, then end day. */
  readonly countedJobs: readonly CountedJob[];
  readonly firstJobStartDay: number | null;
  /** How long after the VP start the first job started; null without a counted job. */
  readonly timeToFirstJob: TimeToFirstJobBand | null;
  readonly sustainments: Sustainments;
  /** Employment status at referral: one of the two "Unemployed" values. */
  readonly outOfWork: boolean;
  /** Employment status at referral: one of the three "Employed" values. */
  readonly inWork: boolean;
  /** Employment status at referral is recorded and is not "Not known" (the retention population). */
  readonly employmentStatusKnown: boolean;
}

const NOT_KNOWN_STATUS = 'Not known';

const dayOrNull = (date: IsoDate | null): number | null =>
  date === null ? null : toDayNumber(date);

/** Shared by every record without a counted job (most of them), so nothing is allocated. */
const NO_JOBS: readonly CountedJob[] = Object.freeze([]);
const NO_SUSTAINMENTS: Sustainments = Object.freeze({
  weeks13: null,
  weeks26: null,
  weeks52: null,
});

export function deriveRecord(record: ReferralRecord): DerivedRecord {
  const referralDay = toDayNumber(record.referralDate);
  let countedJobs: CountedJob[] | null = null;
  let firstJobStartDate: IsoDate | null = null;
  for (const job of record.jobs) {
    const startDay = toDayNumber(job.startDate);
    const endDay = job.endDate === null ? Number.POSITIVE_INFINITY : toDayNumber(job.endDate);
    if (startDay < referralDay || endDay < startDay) continue;
    const counted: CountedJob = { startDay, endDay, hoursPerWeek: job.hoursPerWeek };
    if (countedJobs === null) countedJobs = [counted];
    else insertByStart(countedJobs, counted);
    if (firstJobStartDate === null || job.startDate < firstJobStartDate) {
      firstJobStartDate = job.startDate;
    }
  }
  const status = record.employmentStatus;
  return {
    record,
    referralDay,
    vpStartDay: dayOrNull(record.vpStartDate),
    dischargeDay: dayOrNull(record.dischargeDate),
    firstContactDay: dayOrNull(record.firstContactDate),
    employerContactDay: dayOrNull(record.employerContactDate),
    countedJobs: countedJobs ?? NO_JOBS,
    firstJobStartDay: countedJobs?.[0]?.startDay ?? null,
    timeToFirstJob:
      firstJobStartDate === null ? null : timeToFirstJobBand(record.vpStartDate, firstJobStartDate),
    sustainments: countedJobs === null ? NO_SUSTAINMENTS : sustainmentOutcomes(countedJobs),
    outOfWork: status !== null && OUT_OF_WORK_STATUSES.includes(status),
    inWork: status !== null && IN_WORK_STATUSES.includes(status),
    employmentStatusKnown: status !== null && status !== NOT_KNOWN_STATUS,
  };
}

/** Insertion keeps the (at most five) jobs sorted without a comparator call per pair. */
function insertByStart(jobs: CountedJob[], job: CountedJob): void {
  let index = jobs.length;
  jobs.push(job);
  while (index > 0) {
    const previous = jobs[index - 1] as CountedJob;
    if (
      previous.startDay < job.startDay ||
      (previous.startDay === job.startDay && previous.endDay <= job.endDay)
    ) {
      break;
    }
    jobs[index] = previous;
    index--;
  }
  jobs[index] = job;
}

const digits = (date: IsoDate, start: number, length: number): number => {
  let value = 0;
  for (let index = start; index < start + length; index++) {
    value = value * 10 + date.charCodeAt(index) - 48;
  }
  return value;
};

/**
 * Whole calendar months from `from` to `to`: `from` + that many months (clamped to the month's
 * last day, as `addMonths` does) is on or before `to`, and one more month is after it.
 */
export function completedMonths(from: IsoDate, to: IsoDate): number {
  const toYear = digits(to, 0, 4);
  const toMonth = digits(to, 5, 2);
  const months = (toYear - digits(from, 0, 4)) * 12 + toMonth - digits(from, 5, 2);
  const anniversaryDay = Math.min(digits(from, 8, 2), daysInMonth(toYear, toMonth));
  return digits(to, 8, 2) < anniversaryDay ? months - 1 : months;
}

/** By calendar months after the VP start: before +6 months, before +12 months, or later. */
export function timeToFirstJobBand(
  vpStartDate: IsoDate | null,
  firstJobStartDate: IsoDate,
): TimeToFirstJobBand {
  if (vpStartDate === null) return 'noVpStart';
  const months = completedMonths(vpStartDate, firstJobStartDate);
  return months < 6 ? 'under6m' : months < 12 ? '6to12m' : 'over12m';
}

/**
 * The IPS Grow sustainment rule (docs/METRICS.md steps 1–6) on jobs sorted by start, with open jobs
 * continuing for ever. Jobs are merged into spells of consecutive employed days as they are
 * walked; a break of 42 days or more restarts the clock; N weeks are achieved on the day the
 * accrued count reaches 7 × N, and stay achieved.
 */
function sustainmentOutcomes(jobs: readonly CountedJob[]): Sustainments {
  // Achieved in SUSTAINMENT_WEEKS order, so outcomes[i] is the outcome at SUSTAINMENT_WEEKS[i].
  const outcomes: SustainmentOutcome[] = [];
  let accrued = 0;
  let clockStartDay = 0;
  let previousEndDay = Number.NEGATIVE_INFINITY;
  let index = 0;
  while (index < jobs.length) {
    const first = jobs[index] as CountedJob;
    const spellStartDay = first.startDay;
    let spellEndDay = first.endDay;
    // Overlapping or back-to-back jobs extend the spell; a gap of one day or more ends it.
    for (index++; index < jobs.length; index++) {
      const next = jobs[index] as CountedJob;
      if (next.startDay > spellEndDay + 1) break;
      if (next.endDay > spellEndDay) spellEndDay = next.endDay;
    }
    if (spellStartDay - previousEndDay - 1 >= SUSTAINMENT_RESET_BREAK_DAYS) {
      accrued = 0;
      clockStartDay = spellStartDay;
    }
    const spellDays = spellEndDay - spellStartDay + 1;
    while (outcomes.length < SUSTAINMENT_WEEKS.length) {
      const weeks = SUSTAINMENT_WEEKS[outcomes.length] as SustainmentWeeks;
      const needed = weeks * 7 - accrued;
      if (spellDays < needed) break;
      const day = spellStartDay + needed - 1;
      outcomes.push(new SustainmentOutcome(day, hoursBand(jobs, clockStartDay, day, weeks * 7)));
    }
    if (outcomes.length === SUSTAINMENT_WEEKS.length) break;
    accrued += spellDays;
    previousEndDay = spellEndDay;
  }
  if (outcomes.length === 0) return NO_SUSTAINMENTS;
  return {
    weeks13: outcomes[0] ?? null,
    weeks26: outcomes[1] ?? null,
    weeks52: outcomes[2] ?? null,
  };
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
    if (job.startDay > toDay) break;
    const overlap = Math.min(job.endDay, toDay) - Math.max(job.startDay, fromDay) + 1;
    if (overlap <= 0) continue;
    if (job.hoursPerWeek === null) return 'unknown';
    hourDays += job.hoursPerWeek * overlap;
  }
  return hourDays / accruedDays < HOURS_BAND_THRESHOLD - HOURS_AVERAGE_TOLERANCE
    ? 'under16'
    : '16plus';
}
