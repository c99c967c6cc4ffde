import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  addQuarters,
  labelOf,
  parseQuarter,
  quarterEnd,
  quarterId,
  quarterOf,
  quarterStart,
  recentQuarters,
} from './quarters.ts';

describe('calendar quarters, as the quarterly return counts them', () => {
  test('Q1 is January to March; Q4 ends on 31 December', () => {
    const q1 = { year: 2024, quarter: 1 } as const;
    assert.equal(quarterStart(q1), '2024-01-01');
    assert.equal(quarterEnd(q1), '2024-03-31');
    assert.equal(quarterEnd({ year: 2024, quarter: 4 }), '2024-12-31');
    assert.equal(quarterEnd({ year: 2024, quarter: 2 }), '2024-06-30');
  });

  test('labels give the months and both numberings', () => {
    assert.equal(
      labelOf({ year: 2024, quarter: 3 }),
      'July to September 2024 (calendar Q3, financial Q2 2024/25)',
    );
    // January to March is the last quarter of the financial year that began the April before.
    assert.equal(
      labelOf({ year: 2025, quarter: 1 }),
      'January to March 2025 (calendar Q1, financial Q4 2024/25)',
    );
    assert.equal(
      labelOf({ year: 2024, quarter: 2 }),
      'April to June 2024 (calendar Q2, financial Q1 2024/25)',
    );
    assert.equal(
      labelOf({ year: 2024, quarter: 4 }),
      'October to December 2024 (calendar Q4, financial Q3 2024/25)',
    );
  });

  test('parsing "2024Q3" and refusing anything else', () => {
    assert.deepEqual(parseQuarter('2024Q3'), { year: 2024, quarter: 3 });
    assert.deepEqual(parseQuarter(' 2024q1 '), { year: 2024, quarter: 1 });
    for (const bad of ['2024Q5', '2024Q0', '24Q1', '2024-Q1', '', '1999Q4']) {
      assert.equal(parseQuarter(bad), null, bad);
    }
    assert.equal(quarterId({ year: 2024, quarter: 3 }), '2024Q3');
  });

  test('the quarter of a date, and stepping across year ends', () => {
    assert.deepEqual(quarterOf('2024-03-31'), { year: 2024, quarter: 1 });
    assert.deepEqual(quarterOf('2024-04-01'), { year: 2024, quarter: 2 });
    assert.deepEqual(quarterOf('2024-12-31'), { year: 2024, quarter: 4 });
    assert.deepEqual(addQuarters({ year: 2024, quarter: 4 }, 1), { year: 2025, quarter: 1 });
    assert.deepEqual(addQuarters({ year: 2025, quarter: 1 }, -1), { year: 2024, quarter: 4 });
    assert.deepEqual(addQuarters({ year: 2025, quarter: 1 }, -5), { year: 2023, quarter: 4 });
  });

  test('recent quarters: this one first, then eight back', () => {
    const quarters = recentQuarters('2026-06-01').map(quarterId);
    assert.equal(quarters.length, 9);
    assert.deepEqual(quarters.slice(0, 3), ['2026Q2', '2026Q1', '2025Q4']);
    assert.equal(quarters.at(-1), '2024Q2');
  });
});
