import type { MetricsResult } from '../../src/metrics/compute.ts';

const NO_WAIT = { median: null, withinTarget: null, n: 0 };

/**
 * The engine's figures as a dashboard counts them for a group, a month, a field, the year before
 * or a target's month: every count, share and average, but no waits and no caseload by specialist.
 */
export const countsOnly = (metrics: MetricsResult): MetricsResult => ({
  ...metrics,
  daysToFirstContact: NO_WAIT,
  daysToEmployerContact: NO_WAIT,
  caseloadPerSpecialist: {},
});

/** The figures of a dashboard's total that is not by specialist: no caseload by specialist. */
export const withoutSpecialists = (metrics: MetricsResult): MetricsResult => ({
  ...metrics,
  caseloadPerSpecialist: {},
});
