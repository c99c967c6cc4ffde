import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TargetProgress } from '../../metrics/targets.ts';
import { targetText, yearEarlierText } from './headline-context.ts';

describe('the words under a headline count', () => {
  it('say how the count moved since the same days a year earlier', () => {
    assert.equal(yearEarlierText(62, 58, false), 'Up 4 from 58 a year earlier');
    assert.equal(yearEarlierText(1200, 3400, false), 'Down 2,200 from 3,400 a year earlier');
    assert.equal(yearEarlierText(7, 7, false), 'Same as a year earlier (7)');
    assert.equal(yearEarlierText(3, 0, false), 'Up 3 from 0 a year earlier');
  });

  it('give no difference that would reveal a hidden small number', () => {
    assert.equal(yearEarlierText(62, 3, true), '<5 a year earlier');
    assert.equal(yearEarlierText(3, 62, true), '62 a year earlier');
    assert.equal(yearEarlierText(0, 9, true), 'Down 9 from 9 a year earlier');
    // Without the rule (team and service level) small numbers are shown as they are.
    assert.equal(yearEarlierText(3, 1, false), 'Up 2 from 1 a year earlier');
  });

  it('give the target, the figure expected by the as-at date and the status', () => {
    const progress: TargetProgress = {
      year: 2026,
      from: '2026-04-01',
      asAt: '2026-12-03',
      months: [],
      measures: [
        { measure: 'referrals', target: 120, actual: 70, expectedToDate: 81.4, status: 'behind' },
        { measure: 'vpStarts', target: null, actual: 5, expectedToDate: null, status: null },
      ],
    };
    assert.equal(
      targetText(progress, 'referrals'),
      'Target for 2026/27: 120. Expected by 3 December 2026: 81, behind',
    );
    assert.equal(targetText(progress, 'vpStarts'), null);
    assert.equal(targetText(progress, 'activeCaseload'), null);
    assert.equal(targetText(undefined, 'referrals'), null);
  });
});
