import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeMetrics } from '../metrics/compute.ts';
import { GUIDANCE_NOTES } from '../metrics/guidance.ts';
import { formatMetricsTable } from './metrics-table.ts';

describe('the command-line table of the figures', () => {
  const table = formatMetricsTable(
    computeMetrics([], {
      from: '2024-04-01',
      to: '2025-03-31',
      today: '2025-06-01',
      employmentStatus: 'all',
    }),
    'all',
  );
  const line = (name: string) => table.split('\n').find((each) => each.startsWith(name)) ?? '';

  test('gives each wait’s share within the days of the guidance', () => {
    assert.match(line('Referral to first attempted contact'), /within 5 days/);
    assert.match(line('VP start to first employer contact'), /within 30 days/);
  });

  test('writes the guidance beside each quality indicator, as the dashboards do', () => {
    assert.match(line('Active caseload per employment specialist'), /\(fidelity range 20 to 25\)$/);
    assert.ok(
      line('Active caseload in paid work').endsWith(`(${GUIDANCE_NOTES.employedShareOfCaseload})`),
    );
    assert.ok(line('Job retention share').endsWith(`(${GUIDANCE_NOTES.retentionShare})`));
    assert.ok(line('Employment rate').endsWith(`(${GUIDANCE_NOTES.employmentRate})`));
  });
});
