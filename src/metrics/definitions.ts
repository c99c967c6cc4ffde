import { GUIDANCE_NOTES, QUALITY_GUIDANCE } from './guidance.ts';

/**
 * Each figure's name and rule in plain English, from docs/METRICS.md: the (?) tool tips, the help pages
 * and the command-line table all read these, so the words match the counting.
 */

const { daysToFirstContact, daysToEmployerContact, caseloadPerSpecialist } = QUALITY_GUIDANCE;

export interface MetricDefinition {
  readonly id: string;
  readonly name: string;
  readonly rule: string;
}

/** docs/METRICS.md's sustainment rule in a sentence; an outcome once reached stays counted (step 5). */
const sustainmentRule = (days: number) =>
  `Records that first reach ${days} days in work on a date in the period, up to the as-at date. Days add up over several jobs; a break of 42 days or more between jobs starts the count again from the next job, but an outcome already reached stays counted, once.`;

export const METRIC_DEFINITIONS = [
  { id: 'referrals', name: 'Referrals', rule: 'Records whose referral date is in the period.' },
  {
    id: 'vpStarts',
    name: 'Vocational profile starts',
    rule: 'Records whose vocational profile started in the period (the "access" measure).',
  },
  {
    id: 'activeCaseload',
    name: 'Active caseload',
    rule: 'Records whose vocational profile started on or before the as-at date and with no discharge date on or before it, whatever their caseload status.',
  },
  {
    id: 'jobStarts',
    name: 'Job starts',
    rule: 'Jobs of every record starting in the period and by the as-at date, leaving out jobs that start before the referral date.',
  },
  {
    id: 'supportedIntoWork',
    name: 'People supported into work',
    rule: 'Records with at least one job start in the period, counted once however many jobs start.',
  },
  {
    id: 'firstJobStarts',
    name: 'People entering their first job',
    rule: 'Records whose earliest job start on or after the referral date is in the period, so a record counts once in its lifetime.',
  },
  {
    id: 'sustained13',
    name: 'Job sustainments at 13 weeks',
    rule: sustainmentRule(91),
  },
  {
    id: 'sustained26',
    name: 'Job sustainments at 26 weeks',
    rule: sustainmentRule(182),
  },
  {
    id: 'sustained52',
    name: 'Job sustainments at 52 weeks',
    rule: sustainmentRule(364),
  },
  { id: 'discharges', name: 'Discharges', rule: 'Records whose discharge date is in the period.' },
  {
    id: 'sustainedByHours',
    name: 'Job sustainments by hours',
    rule: 'Each sustainment by the average weekly hours over the days in work that earned it: under 16, 16 or more, or not recorded when any of those days had a job without hours.',
  },
  {
    id: 'daysToFirstContact',
    name: 'Referral to first attempted contact',
    rule: `For referrals in the period with a first-contact date: the median days from referral, and the share contacted within ${daysToFirstContact.withinDays} days (day ${daysToFirstContact.withinDays} included).`,
  },
  {
    id: 'daysToEmployerContact',
    name: 'VP start to first employer contact',
    rule: `For VP starts in the period with a face-to-face employer contact date: the median days from the VP start, and the share within ${daysToEmployerContact.withinDays} days (day ${daysToEmployerContact.withinDays} included).`,
  },
  {
    id: 'timeToFirstJob',
    name: 'Time from VP start to first job',
    rule: 'People entering their first job in the period, by calendar months after the VP start: under 6, 6 to 12, over 12, or no VP start recorded.',
  },
  {
    id: 'caseloadPerSpecialist',
    name: 'Active caseload per employment specialist',
    rule: `The active caseload on the as-at date by employment specialist; the fidelity range is ${caseloadPerSpecialist.low} to ${caseloadPerSpecialist.high}.`,
  },
  {
    id: 'employedShareOfCaseload',
    name: 'Active caseload in paid work',
    rule: `The share of the active caseload with a job on the as-at date (${GUIDANCE_NOTES.employedShareOfCaseload}).`,
  },
  {
    id: 'retentionShare',
    name: 'Job retention share',
    rule: `Of referrals in the period with an employment status other than blank or "Not known", the share employed at referral (${GUIDANCE_NOTES.retentionShare}).`,
  },
  {
    id: 'averageHours',
    name: 'Average weekly hours of job starts',
    rule: 'The mean weekly hours of the job starts in the period that have hours recorded.',
  },
  {
    id: 'employmentRate',
    name: 'Employment rate',
    rule: `Of people on the caseload in the period and not employed at referral, the share in paid work on at least one day from its start to the as-at date (${GUIDANCE_NOTES.employmentRate}).`,
  },
] as const satisfies readonly MetricDefinition[];

export type MetricId = (typeof METRIC_DEFINITIONS)[number]['id'];

export const METRIC_BY_ID: ReadonlyMap<MetricId, MetricDefinition> = new Map(
  METRIC_DEFINITIONS.map((definition) => [definition.id, definition]),
);

/** docs/METRICS.md's counts (a number of records, or of jobs), in the overview's order. */
export const ALL_COUNTS = [
  'referrals',
  'vpStarts',
  'activeCaseload',
  'jobStarts',
  'supportedIntoWork',
  'firstJobStarts',
  'sustained13',
  'sustained26',
  'sustained52',
  'discharges',
] as const satisfies readonly MetricId[];
export type CountId = (typeof ALL_COUNTS)[number];
