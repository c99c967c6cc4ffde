/**
 * Each figure's name and rule in plain English, from METRICS.md: the (?) tool tips, the help pages
 * and the command-line table all read these, so the words match the counting.
 */

export interface MetricDefinition {
  readonly id: string;
  readonly name: string;
  readonly rule: string;
}

export const METRIC_DEFINITIONS = [
  { id: 'referrals', name: 'Referrals', rule: 'Records whose referral date is in the period.' },
  {
    id: 'vpStarts',
    name: 'Vocational profile starts',
    rule: 'Records whose vocational profile started in the period ("access").',
  },
  {
    id: 'activeCaseload',
    name: 'Active caseload',
    rule: 'Records with a vocational profile started on or before the as-at date and no discharge date on or before it. The caseload status column does not change this.',
  },
  {
    id: 'jobStarts',
    name: 'Job starts',
    rule: 'Jobs starting in the period, up to the as-at date: every job of every record counts. Jobs starting before the referral date never count.',
  },
  {
    id: 'supportedIntoWork',
    name: 'People supported into work',
    rule: 'Records with at least one job start in the period, counted once however many jobs start.',
  },
  {
    id: 'firstJobStarts',
    name: 'People entering their first job',
    rule: "Records whose earliest job start (on or after the referral date) is in the period: once in a record's lifetime.",
  },
  {
    id: 'sustained13',
    name: 'Job sustainments at 13 weeks',
    rule: 'Records reaching 91 days in work in the period, over one job or several; a break of 42 days or more between jobs restarts the count.',
  },
  {
    id: 'sustained26',
    name: 'Job sustainments at 26 weeks',
    rule: 'Records reaching 182 days in work in the period, over one job or several; a break of 42 days or more between jobs restarts the count.',
  },
  {
    id: 'sustained52',
    name: 'Job sustainments at 52 weeks',
    rule: 'Records reaching 364 days in work in the period, over one job or several; a break of 42 days or more between jobs restarts the count.',
  },
  { id: 'discharges', name: 'Discharges', rule: 'Records whose discharge date is in the period.' },
  {
    id: 'daysToFirstContact',
    name: 'Referral to first attempted contact',
    rule: 'For referrals in the period with a first-contact date: the median days, and the share within 5 days.',
  },
  {
    id: 'daysToEmployerContact',
    name: 'VP start to first employer contact',
    rule: 'For VP starts in the period with a face-to-face employer contact date: the median days, and the share within 30 days.',
  },
  {
    id: 'timeToFirstJob',
    name: 'Time from VP start to first job',
    rule: 'People entering their first job in the period, by calendar months after the VP start: under 6, 6 to 12, over 12, or no VP start recorded.',
  },
  {
    id: 'caseloadPerSpecialist',
    name: 'Active caseload per employment specialist',
    rule: 'The active caseload on the as-at date by employment specialist; the fidelity range is 20 to 25.',
  },
  {
    id: 'employedShareOfCaseload',
    name: 'Active caseload in paid work',
    rule: 'The share of the active caseload with a job on the as-at date (fidelity: at least 30%).',
  },
  {
    id: 'retentionShare',
    name: 'Job retention share',
    rule: 'Of referrals in the period with a known employment status, the share in work at referral (guidance: at most 15%).',
  },
  {
    id: 'averageHours',
    name: 'Average weekly hours of job starts',
    rule: 'The mean weekly hours of jobs starting in the period, where hours are recorded.',
  },
  {
    id: 'employmentRate',
    name: 'Employment rate',
    rule: 'Of people served in the period who were out of work at referral, the share in paid work on at least one day of it (IPS Grow benchmark 40%).',
  },
] as const satisfies readonly MetricDefinition[];

export type MetricId = (typeof METRIC_DEFINITIONS)[number]['id'];

export const METRIC_BY_ID: ReadonlyMap<MetricId, MetricDefinition> = new Map(
  METRIC_DEFINITIONS.map((definition) => [definition.id, definition]),
);
