import { fromDayNumber, type IsoDate } from '../calendar/calendar-date.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { deriveRecord, type HoursBand, type TimeToFirstJobBand } from './derive.ts';
import { EVENT_KINDS, factEventsOf, lastCountedDay, statusBits } from './fact-events.ts';

/**
 * The facts a record's figures are counted from (docs/FACTS.md), as the rows of `referral_fact` and
 * `fact_event`: the record's dimensions and what the engine derives from it, so the database only
 * compares dates with the period and the as-at date, counts and sums. The keys are the tables'
 * column names, so a batch of these as JSON is inserted as it is.
 */

/** A `fact_event` row: the event's kind as its index in EVENT_KINDS. */
export interface EventFact {
  readonly kind: number;
  readonly on_day: IsoDate;
  readonly until_day: IsoDate | null;
  /** `lastCountedDay`: a page reads the events from its first date on. */
  readonly last_day: IsoDate;
  readonly band: string | null;
  readonly amount: number | null;
}

export interface ReferralFacts {
  /** With the referral date, which of the team's records these are. */
  readonly client_key: string;
  readonly referral_date: IsoDate;
  readonly specialist: string;
  readonly gender: string | null;
  readonly ethnicity: string | null;
  readonly age_band: string;
  readonly benefits: string | null;
  readonly employment_status: string | null;
  readonly referral_source: string | null;
  readonly referral_source_category: string | null;
  readonly local_authority: string | null;
  readonly caseload_status: string | null;
  readonly discharge_reason: string | null;
  readonly substance_group: string | null;
  readonly out_of_work: boolean;
  readonly in_work: boolean;
  readonly status_known: boolean;
  readonly first_contact_date: IsoDate | null;
  readonly vp_start_date: IsoDate | null;
  readonly employer_contact_date: IsoDate | null;
  readonly discharge_date: IsoDate | null;
  readonly first_job_date: IsoDate | null;
  readonly time_to_first_job: TimeToFirstJobBand | null;
  readonly sustained13_date: IsoDate | null;
  readonly sustained13_hours: HoursBand | null;
  readonly sustained26_date: IsoDate | null;
  readonly sustained26_hours: HoursBand | null;
  readonly sustained52_date: IsoDate | null;
  readonly sustained52_hours: HoursBand | null;
  /** `statusBits`: carried by each of the record's events. */
  readonly status: number;
  readonly events: readonly EventFact[];
}

const dateOf = (day: number | null): IsoDate | null => (day === null ? null : fromDayNumber(day));

export function referralFactsOf(record: ReferralRecord): ReferralFacts {
  const derived = deriveRecord(record);
  const { sustainments } = derived;
  return {
    client_key: record.clientKey,
    referral_date: record.referralDate,
    specialist: record.specialist,
    gender: record.gender,
    ethnicity: record.ethnicity,
    age_band: record.ageBand,
    benefits: record.benefits,
    employment_status: record.employmentStatus,
    referral_source: record.referralSource,
    referral_source_category: record.referralSourceCategory,
    local_authority: record.localAuthority,
    caseload_status: record.caseloadStatus,
    discharge_reason: record.dischargeReason,
    substance_group: record.substanceGroup,
    out_of_work: derived.outOfWork,
    in_work: derived.inWork,
    status_known: derived.employmentStatusKnown,
    first_contact_date: record.firstContactDate,
    vp_start_date: record.vpStartDate,
    employer_contact_date: record.employerContactDate,
    discharge_date: record.dischargeDate,
    first_job_date: dateOf(derived.firstJobStartDay),
    time_to_first_job: derived.timeToFirstJob,
    sustained13_date: dateOf(sustainments.weeks13?.day ?? null),
    sustained13_hours: sustainments.weeks13?.hoursBand ?? null,
    sustained26_date: dateOf(sustainments.weeks26?.day ?? null),
    sustained26_hours: sustainments.weeks26?.hoursBand ?? null,
    sustained52_date: dateOf(sustainments.weeks52?.day ?? null),
    sustained52_hours: sustainments.weeks52?.hoursBand ?? null,
    status: statusBits(derived),
    events: factEventsOf(derived).map((event) => ({
      kind: EVENT_KINDS.indexOf(event.kind),
      on_day: event.on,
      until_day: event.until,
      last_day: lastCountedDay(event),
      band: event.band,
      amount: event.amount,
    })),
  };
}

/** The facts' JSON of each record given as JSON text (a roll-back's, derived in a worker thread). */
export function factsOfRecordTexts(recordTexts: readonly string[]): string[] {
  return recordTexts.map((text) =>
    JSON.stringify(referralFactsOf(JSON.parse(text) as ReferralRecord)),
  );
}
