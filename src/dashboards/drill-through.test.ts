import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { breakdownBy, groupByRecordField } from '../metrics/breakdowns.ts';
import { computeMetrics, type MetricsQuery } from '../metrics/compute.ts';
import { ALL_COUNTS } from '../metrics/definitions.ts';
import { deriveRecord } from '../metrics/derive.ts';
import { generateReferralRecords } from '../synthetic/referral-records.ts';
import {
  type Drill,
  drillDescription,
  drillOf,
  drillParameters,
  HOURS_BANDS,
  isCountedInShare,
  SHARE_PARTS,
  shareOf,
  TIME_TO_FIRST_JOB_BAND_NAMES,
} from './drill-through.ts';

const records = generateReferralRecords({ rows: 600, seed: 21, today: '2026-05-31' }).map(
  deriveRecord,
);
const query: MetricsQuery = {
  from: '2025-04-01',
  to: '2026-03-31',
  today: '2026-05-31',
  employmentStatus: 'all',
};
const behind = (drill: Drill) => records.filter((derived) => shareOf(derived, drill, query) > 0);

describe('drill-through', () => {
  it('finds, for each count, the records the engine counts: each once, job starts by the job', () => {
    const metrics = computeMetrics(records, query);
    for (const metric of ALL_COUNTS) {
      const drill: Drill = { figure: { metric } };
      const found = behind(drill).length;
      assert.ok(metrics[metric] > 0, `${metric} has records to find`);
      if (metric === 'jobStarts') assert.ok(found > 0 && found < metrics[metric], metric);
      else assert.equal(found, metrics[metric], metric);
      // What the records hold adds up to the figure: for job starts, their jobs.
      assert.equal(
        records.reduce((sum, derived) => sum + shareOf(derived, drill, query), 0),
        metrics[metric],
        metric,
      );
    }
  });

  it('finds the records of each band and each wait, adding up to the figure', () => {
    const metrics = computeMetrics(records, query);
    for (const weeks of ['13', '26', '52'] as const) {
      for (const band of HOURS_BANDS) {
        assert.equal(
          behind({ figure: { metric: 'sustainedByHours', weeks, band } }).length,
          metrics.sustainedByHours[weeks][band],
          `${weeks} weeks, ${band}`,
        );
      }
    }
    for (const band of Object.keys(TIME_TO_FIRST_JOB_BAND_NAMES) as Array<
      keyof typeof TIME_TO_FIRST_JOB_BAND_NAMES
    >) {
      assert.equal(
        behind({ figure: { metric: 'timeToFirstJob', band } }).length,
        metrics.timeToFirstJob[band],
        band,
      );
    }
    for (const metric of ['daysToFirstContact', 'daysToEmployerContact'] as const) {
      assert.equal(behind({ figure: { metric } }).length, metrics[metric].n, metric);
    }
  });

  it('finds the records a share or an average is taken over, and those the share counts', () => {
    const metrics = computeMetrics(records, query);
    for (const metric of Object.keys(SHARE_PARTS) as Array<keyof typeof SHARE_PARTS>) {
      const found = behind({ figure: { metric } });
      const counted = found.filter((derived) => isCountedInShare(derived, metric, query));
      assert.ok(found.length > counted.length && counted.length > 0, metric);
      assert.ok(Math.abs(counted.length / found.length - (metrics[metric] ?? -1)) < 1e-9, metric);
    }
    const withHours = behind({ figure: { metric: 'averageHours' } });
    assert.ok(withHours.length > 0);
    assert.ok(withHours.every((derived) => computeMetrics([derived], query).averageHours !== null));
  });

  it('narrows to one value of a field, as the demographics rows split the figures', () => {
    const byGender = breakdownBy(records, query, groupByRecordField('gender'));
    assert.ok(byGender.size > 1);
    for (const [value, metrics] of byGender) {
      const found = behind({
        figure: { metric: 'referrals' },
        breakdown: { dimension: 'gender', value },
      });
      assert.equal(found.length, metrics.referrals, value);
    }
  });

  it('reads back the parameters it writes, and reads nothing from ones it does not', () => {
    const drills: Drill[] = [
      { figure: { metric: 'referrals' } },
      { figure: { metric: 'sustainedByHours', weeks: '26', band: '16plus' } },
      { figure: { metric: 'timeToFirstJob', band: 'noVpStart' } },
      { figure: { metric: 'daysToEmployerContact' } },
      {
        figure: { metric: 'jobStarts' },
        breakdown: { dimension: 'ethnicity', value: 'Not recorded' },
      },
    ];
    for (const drill of drills) {
      assert.deepEqual(drillOf(Object.fromEntries(drillParameters(drill))), drill);
    }
    for (const parameters of [
      {},
      { metric: 'caseloadPerSpecialist' },
      { metric: 'sustainedByHours', weeks: '13' },
      { metric: 'sustainedByHours', weeks: '14', band: 'under16' },
      { metric: 'timeToFirstJob', band: 'under16' },
      { metric: 'referrals', dimension: 'clientId', value: 'x' },
      // ES-level detail has a filter, and a permission, of its own.
      { metric: 'referrals', dimension: 'specialist', value: 'AB' },
      { metric: 'referrals', dimension: 'gender' },
      { metric: 'referrals', dimension: 'gender', value: 'x'.repeat(201) },
    ]) {
      assert.equal(drillOf(parameters), null, JSON.stringify(parameters));
    }
  });

  it('says what the records are behind', () => {
    assert.equal(
      drillDescription({ figure: { metric: 'sustainedByHours', weeks: '13', band: 'under16' } }),
      'job sustainments at 13 weeks, under 16 hours',
    );
    assert.equal(
      drillDescription({
        figure: { metric: 'vpStarts' },
        breakdown: { dimension: 'ageBand', value: '25-34' },
      }),
      'vocational profile starts, age band at referral: 25-34',
    );
    assert.equal(
      drillDescription({ figure: { metric: 'timeToFirstJob', band: 'under6m' } }),
      'people entering their first job, under 6 months from the VP start',
    );
  });
});
