import { z } from 'zod';
import { parseIsoDate } from '../calendar/calendar-date.ts';
import { formatDate } from '../calendar/nhs-dates.ts';
import { type PublishedCount, publishedCount } from '../dashboards/dashboard.ts';
import { REVIEW_TYPE_NAMES, REVIEW_TYPES } from '../fidelity/fidelity-scale.ts';
import { computeMetrics, type MetricsQuery } from '../metrics/compute.ts';
import type { DerivedRecord } from '../metrics/derive.ts';
import { type Quarter, quarterEnd, quarterStart } from './quarters.ts';

/**
 * What an NHS England quarterly return holds: figures filled from the service's data (each one
 * overridable with a reason), and what the data cannot say, entered by hand. Pure: the form's raw
 * values in, a checked return (or the problems) out, and the rows every reader sees.
 */

export const AUTO_FIGURES = [
  { id: 'referrals', name: 'Referrals received' },
  { id: 'referralsEmployed', name: 'Of which employed at referral' },
  { id: 'vpStarts', name: 'Vocational profile starts (access)' },
  { id: 'activeCaseload', name: 'Active caseload at the quarter end' },
  { id: 'jobStarts', name: 'Job starts' },
  { id: 'supportedIntoWork', name: 'People supported into work' },
  { id: 'firstJobStarts', name: 'People entering their first job' },
  { id: 'sustained13', name: 'Job sustainments at 13 weeks' },
  { id: 'sustained26', name: 'Job sustainments at 26 weeks' },
] as const;
export type AutoFigureId = (typeof AUTO_FIGURES)[number]['id'];
export type AutoFigures = Record<AutoFigureId, number>;

/**
 * The engine's figures for the quarter's dates (docs/METRICS.md), as at its end or today if sooner;
 * "employed at referral" is the referrals with an employment status beginning "Employed".
 */
export function autoFigures(
  records: readonly DerivedRecord[],
  quarter: Quarter,
  today: string,
): AutoFigures {
  const query: MetricsQuery = {
    from: quarterStart(quarter),
    to: quarterEnd(quarter),
    today,
    employmentStatus: 'all',
  };
  const all = computeMetrics(records, query);
  const employed = computeMetrics(records, { ...query, employmentStatus: 'in-work' });
  return {
    referrals: all.referrals,
    referralsEmployed: employed.referrals,
    vpStarts: all.vpStarts,
    activeCaseload: all.activeCaseload,
    jobStarts: all.jobStarts,
    supportedIntoWork: all.supportedIntoWork,
    firstJobStarts: all.firstJobStarts,
    sustained13: all.sustained13,
    sustained26: all.sustained26,
  };
}

export const FUNDING_WAVES = ['wave-1', 'wave-2', 'other'] as const;
export const FUNDING_WAVE_NAMES: Readonly<Record<(typeof FUNDING_WAVES)[number], string>> = {
  'wave-1': 'Wave 1',
  'wave-2': 'Wave 2',
  other: 'Other',
};

export const NARRATIVE_FIELDS = [
  { id: 'progress', name: 'Progress in the quarter', required: true },
  { id: 'challenges', name: 'Challenges', required: false },
  { id: 'goodNews', name: 'Good news stories', required: false },
  { id: 'comments', name: 'Additional comments', required: false },
] as const;

export const WORKFORCE_FIELDS = [
  { id: 'specialistsInPost', name: 'Employment specialists in post (WTE)' },
  { id: 'specialistsFunded', name: 'Employment specialists funded (WTE)' },
  { id: 'teamLeaders', name: 'Team leaders (WTE)' },
  { id: 'vacancies', name: 'Vacancies (WTE)' },
] as const;

export interface ReportedFigure {
  /** The data's figure when the return was saved; null when the service has no data here. */
  readonly auto: number | null;
  readonly reported: number;
  /** Why the reported figure differs from the data's; null when it does not. */
  readonly reason: string | null;
}

export interface ReturnContent {
  readonly figures: Readonly<Record<AutoFigureId, ReportedFigure>>;
  readonly averageWeeklyHours: number | null;
  readonly carriedOver: number;
  readonly narrative: Readonly<Record<(typeof NARRATIVE_FIELDS)[number]['id'], string>>;
  readonly workforce: Readonly<Record<(typeof WORKFORCE_FIELDS)[number]['id'], number>>;
  readonly fidelity: {
    readonly date: string;
    readonly type: (typeof REVIEW_TYPES)[number];
    readonly score: number;
  } | null;
  readonly fundingWave: (typeof FUNDING_WAVES)[number];
}

/** The form as typed, kept as a draft: every value a string. */
export type ReturnForm = Readonly<Record<string, string>>;

export type Problem = { readonly field: string; readonly text: string };

const WHOLE = /^\d{1,7}$/;
const DECIMAL = /^\d{1,4}(\.\d{1,2})?$/;
const TEXT_LIMIT = 5000;

/**
 * Checks a return as it would be submitted. `auto` is null when the service has no uploaded data
 * for the quarter's teams: every figure is then entered by hand, with no reason needed.
 */
export function checkReturn(
  form: ReturnForm,
  auto: AutoFigures | null,
  quarter: Quarter,
): { ok: true; content: ReturnContent } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const value = (field: string) => (form[field] ?? '').trim();
  const whole = (field: string, name: string, required: boolean): number | null => {
    const text = value(field);
    if (text === '') {
      if (required) problems.push({ field, text: `Enter ${name.toLowerCase()}` });
      return null;
    }
    if (!WHOLE.test(text)) {
      problems.push({ field, text: `${name} must be a whole number, like 12` });
      return null;
    }
    return Number(text);
  };
  const decimal = (field: string, name: string, required: boolean): number | null => {
    const text = value(field);
    if (text === '') {
      if (required) problems.push({ field, text: `Enter ${name.toLowerCase()}` });
      return null;
    }
    if (!DECIMAL.test(text)) {
      problems.push({ field, text: `${name} must be a number, like 2.5` });
      return null;
    }
    return Number(text);
  };
  const text = (field: string, name: string, required: boolean) => {
    const entered = value(field);
    if (required && entered === '') problems.push({ field, text: `Enter ${name.toLowerCase()}` });
    if (entered.length > TEXT_LIMIT)
      problems.push({ field, text: `${name} must be ${TEXT_LIMIT} characters or fewer` });
    return entered;
  };

  const figures = {} as Record<AutoFigureId, ReportedFigure>;
  for (const { id, name } of AUTO_FIGURES) {
    const fromData = auto?.[id] ?? null;
    const entered = whole(`figure-${id}`, name, fromData === null);
    const reported = entered ?? fromData ?? 0;
    const overridden = fromData !== null && entered !== null && entered !== fromData;
    const reason = text(
      `reason-${id}`,
      `The reason for changing ${name.toLowerCase()}`,
      overridden,
    );
    figures[id] = { auto: fromData, reported, reason: overridden ? reason : null };
  }
  // What docs/METRICS.md's definitions make always true, so a figure typed over the data keeps it.
  const atMost = (smaller: AutoFigureId, larger: AutoFigureId, text: string) => {
    if (figures[smaller].reported > figures[larger].reported) {
      problems.push({ field: `figure-${smaller}`, text });
    }
  };
  atMost(
    'referralsEmployed',
    'referrals',
    'Referrals employed at referral cannot be more than the referrals received',
  );
  atMost(
    'supportedIntoWork',
    'jobStarts',
    'People supported into work cannot be more than the job starts: each of them started a job in the quarter',
  );
  atMost(
    'firstJobStarts',
    'supportedIntoWork',
    'People entering their first job cannot be more than the people supported into work',
  );

  const averageWeeklyHours = decimal('averageWeeklyHours', 'Average weekly hours', false);
  if (averageWeeklyHours !== null && averageWeeklyHours > 168)
    problems.push({
      field: 'averageWeeklyHours',
      text: 'Average weekly hours must be 168 or fewer',
    });
  const carriedOver = whole('carriedOver', 'Clients carried over from the previous year', true);
  const narrative = Object.fromEntries(
    NARRATIVE_FIELDS.map(({ id, name, required }) => [id, text(id, name, required)]),
  ) as ReturnContent['narrative'];
  const workforce = Object.fromEntries(
    WORKFORCE_FIELDS.map(({ id, name }) => [id, decimal(id, name, true) ?? 0]),
  ) as ReturnContent['workforce'];

  const fidelityEntered = ['fidelityDate', 'fidelityType', 'fidelityScore'].some(
    (field) => value(field) !== '',
  );
  let fidelity: ReturnContent['fidelity'] = null;
  if (fidelityEntered) {
    const date = value('fidelityDate');
    if (parseIsoDate(date) === null)
      problems.push({
        field: 'fidelityDate',
        text:
          date === ''
            ? 'Enter the date of the latest fidelity review'
            : 'The date of the latest fidelity review must be a real date',
      });
    else if (date > quarterEnd(quarter))
      problems.push({
        field: 'fidelityDate',
        text: `The fidelity review must be one held by the end of the quarter (${formatDate(quarterEnd(quarter))})`,
      });
    const type = z.enum(REVIEW_TYPES).safeParse(value('fidelityType'));
    if (!type.success)
      problems.push({ field: 'fidelityType', text: 'Select the type of the latest review' });
    const score = whole('fidelityScore', 'The fidelity score', true);
    if (score !== null && (score < 25 || score > 125))
      problems.push({ field: 'fidelityScore', text: 'The fidelity score must be from 25 to 125' });
    if (type.success && score !== null) fidelity = { date, type: type.data, score };
  }
  const wave = z.enum(FUNDING_WAVES).safeParse(value('fundingWave'));
  if (!wave.success) problems.push({ field: 'fundingWave', text: 'Select the funding wave' });

  if (problems.length > 0 || !wave.success || carriedOver === null) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    content: {
      figures,
      averageWeeklyHours,
      carriedOver,
      narrative,
      workforce,
      fidelity,
      fundingWave: wave.data,
    },
  };
}

export interface ReturnRow {
  readonly section: string;
  readonly label: string;
  readonly value: string;
}

/** The return as every reader sees it (page, print, preview, export), row by row. */
export function returnRows(content: ReturnContent): ReturnRow[] {
  const figures = AUTO_FIGURES.map(({ id, name }) => {
    const figure = content.figures[id];
    const note =
      figure.reason !== null
        ? ` (changed from ${figure.auto} in the data: ${figure.reason})`
        : figure.auto === null
          ? ' (entered by hand)'
          : '';
    return { section: 'Figures', label: name, value: `${figure.reported}${note}` };
  });
  return [
    ...figures,
    {
      section: 'Figures',
      label: 'Average weekly hours of clients in paid work',
      value: content.averageWeeklyHours === null ? 'Not given' : String(content.averageWeeklyHours),
    },
    {
      section: 'Figures',
      label: 'Clients carried over from the previous financial year',
      value: String(content.carriedOver),
    },
    ...WORKFORCE_FIELDS.map(({ id, name }) => ({
      section: 'Workforce',
      label: name,
      value: String(content.workforce[id]),
    })),
    {
      section: 'Fidelity',
      label: 'Latest fidelity review',
      value:
        content.fidelity === null
          ? 'None recorded'
          : `${content.fidelity.score} of 125, ${REVIEW_TYPE_NAMES[content.fidelity.type].toLowerCase()} of ${content.fidelity.date}`,
    },
    { section: 'Funding', label: 'Funding wave', value: FUNDING_WAVE_NAMES[content.fundingWave] },
    ...NARRATIVE_FIELDS.map(({ id, name }) => ({
      section: 'Narrative',
      label: name,
      value: content.narrative[id] || 'None given',
    })),
  ];
}

/** What changed from one submitted version to the next, row by row. */
export function changedRows(
  before: ReturnContent,
  after: ReturnContent,
): Array<ReturnRow & { readonly was: string }> {
  const old = new Map(returnRows(before).map((row) => [`${row.section}/${row.label}`, row.value]));
  return returnRows(after).flatMap((row) => {
    const was = old.get(`${row.section}/${row.label}`) ?? '';
    return was === row.value ? [] : [{ ...row, was }];
  });
}

/**
 * The numbers that add up across returns, for the ICS, regional and national roll-ups. Counts
 * are of people (or their jobs), and fall under the small-number rule; WTEs are staff, and don't.
 */
export const ROLL_UP_FIELDS = [
  ...AUTO_FIGURES.map(({ id, name }) => ({
    name,
    isCount: true,
    of: (content: ReturnContent) => content.figures[id].reported,
  })),
  {
    name: 'Clients carried over from the previous financial year',
    isCount: true,
    of: (content: ReturnContent) => content.carriedOver,
  },
  ...WORKFORCE_FIELDS.map(({ id, name }) => ({
    name,
    isCount: false,
    of: (content: ReturnContent) => content.workforce[id],
  })),
] as const;

/**
 * The returns added up, field by field, as an area publishes them: with the small-number rule on,
 * a count from 1 to 4 is "<5", as on the area dashboards (docs/DESIGN.md, privacy rules).
 */
export function rollUp(
  contents: readonly ReturnContent[],
  suppressSmallNumbers: boolean,
): (number | PublishedCount)[] {
  return ROLL_UP_FIELDS.map(({ of, isCount }) => {
    // Sums of WTEs keep two decimals, whatever floating point makes of them.
    const total = Math.round(contents.reduce((sum, content) => sum + of(content), 0) * 100) / 100;
    return isCount ? publishedCount(total, suppressSmallNumbers) : total;
  });
}
