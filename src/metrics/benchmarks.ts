import type { MetricsResult } from './compute.ts';
import { METRIC_BY_ID } from './definitions.ts';
import { QUALITY_GUIDANCE } from './guidance.ts';

/** One column of the benchmarking view: the figures of a set of teams over the period. */
export interface Benchmark {
  readonly name: string;
  readonly metrics: MetricsResult;
  /** Job starts of the teams with a size recorded, and their specialists' WTE. */
  readonly jobStartsOfSizedTeams: number;
  readonly specialistsWte: number | null;
}

export interface BenchmarkRate {
  readonly name: string;
  readonly rule: string;
  /** A share from 0 to 1, or job starts per specialist. */
  readonly kind: 'share' | 'perSpecialist';
  /** Null where there is nothing to take the rate over. */
  readonly rate: (benchmark: Benchmark) => number | null;
}

/** The rates a service is set beside its wider areas by, as the help page explains them. */
export const BENCHMARK_RATES: readonly BenchmarkRate[] = [
  {
    name: 'Employment rate',
    rule: METRIC_BY_ID.get('employmentRate')?.rule ?? '',
    kind: 'share',
    rate: ({ metrics }) => metrics.employmentRate,
  },
  {
    name: `First contact within ${QUALITY_GUIDANCE.daysToFirstContact.withinDays} days of referral`,
    rule: METRIC_BY_ID.get('daysToFirstContact')?.rule ?? '',
    kind: 'share',
    rate: ({ metrics }) => metrics.daysToFirstContact.withinTarget,
  },
  {
    name: '13-week sustainments per person starting work',
    rule: 'Job sustainments at 13 weeks in the period divided by the people supported into work in the period.',
    kind: 'share',
    rate: ({ metrics }) =>
      metrics.supportedIntoWork === 0 ? null : metrics.sustained13 / metrics.supportedIntoWork,
  },
  {
    name: 'Job starts per employment specialist (WTE)',
    rule: 'Job starts in the period of the teams whose size is recorded for the financial year, divided by their employment specialists in whole-time equivalents.',
    kind: 'perSpecialist',
    rate: ({ jobStartsOfSizedTeams, specialistsWte }) =>
      specialistsWte === null || specialistsWte === 0
        ? null
        : jobStartsOfSizedTeams / specialistsWte,
  },
];
