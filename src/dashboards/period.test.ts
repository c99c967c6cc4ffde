import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { periodText, resolvePeriod } from './period.ts';

describe('dashboard periods', () => {
  const today = '2026-05-14';
  const period = (preset: Parameters<typeof resolvePeriod>[0], custom = {}) => {
    const result = resolvePeriod(preset, today, custom);
    return result.ok ? [result.period.from, result.period.to, result.period.label] : result.message;
  };

  it('resolves each preset to whole periods around today', () => {
    assert.deepEqual(period('this-financial-year'), ['2026-04-01', '2027-03-31', '2026/27']);
    assert.deepEqual(period('last-financial-year'), ['2025-04-01', '2026-03-31', '2025/26']);
    assert.deepEqual(period('this-quarter'), [
      '2026-04-01',
      '2026-06-30',
      'April to June 2026 (calendar Q2, financial Q1 2026/27)',
    ]);
    assert.deepEqual(period('last-quarter'), [
      '2026-01-01',
      '2026-03-31',
      'January to March 2026 (calendar Q1, financial Q4 2025/26)',
    ]);
    assert.deepEqual(period('this-month'), ['2026-05-01', '2026-05-31', 'May 2026']);
    assert.deepEqual(period('last-month'), ['2026-04-01', '2026-04-30', 'April 2026']);
  });

  it('takes custom dates, and says what is wrong with bad ones', () => {
    assert.deepEqual(period('custom', { from: '2024-02-01', to: '2024-02-29' }), [
      '2024-02-01',
      '2024-02-29',
      '1 February 2024 to 29 February 2024',
    ]);
    assert.match(String(period('custom', { from: '2024-02-30', to: '2024-03-01' })), /start date/);
    assert.match(String(period('custom', { from: '2024-03-01', to: '' })), /end date/);
    assert.match(
      String(period('custom', { from: '2024-03-02', to: '2024-03-01' })),
      /after the start/,
    );
  });

  it('names a period and its dates, saying dates of one’s choice once', () => {
    assert.equal(
      periodText({ from: '2026-04-01', to: '2027-03-31', label: '2026/27' }),
      '2026/27: 1 April 2026 to 31 March 2027',
    );
    assert.equal(
      periodText({
        from: '2024-04-01',
        to: '2026-03-31',
        label: '1 April 2024 to 31 March 2026',
      }),
      '1 April 2024 to 31 March 2026',
    );
  });
});
