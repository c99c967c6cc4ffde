import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  FIDELITY_ITEM_COUNT,
  FIDELITY_ITEMS,
  FIDELITY_SECTIONS,
  fidelityBand,
  fidelityTotal,
  nextReview,
} from './fidelity-scale.ts';

describe('the IPS-25 scale', () => {
  test('25 items: 3 staffing, 8 organisation, 14 services, none repeated', () => {
    assert.deepEqual(
      FIDELITY_SECTIONS.map(({ name, items }) => [name, items.length]),
      [
        ['Staffing', 3],
        ['Organisation', 8],
        ['Services', 14],
      ],
    );
    assert.equal(FIDELITY_ITEMS.length, FIDELITY_ITEM_COUNT);
    assert.equal(new Set(FIDELITY_ITEMS).size, FIDELITY_ITEM_COUNT);
  });

  test('bands at their edges: ≤73, 74–99, 100–114, 115–125', () => {
    assert.equal(fidelityBand(25), 'not-supported-employment');
    assert.equal(fidelityBand(73), 'not-supported-employment');
    assert.equal(fidelityBand(74), 'fair');
    assert.equal(fidelityBand(99), 'fair');
    assert.equal(fidelityBand(100), 'good');
    assert.equal(fidelityBand(114), 'good');
    assert.equal(fidelityBand(115), 'exemplary');
    assert.equal(fidelityBand(125), 'exemplary');
  });

  test('the total adds the item scores', () => {
    assert.equal(fidelityTotal(Array.from({ length: 25 }, () => 4)), 100);
  });
});

describe('next review due', () => {
  test('with no review, an independent review is due now', () => {
    assert.deepEqual(nextReview([], '2025-01-01'), {
      due: null,
      type: 'independent',
      overdue: true,
    });
  });

  test('a year after an independent review, a self-assessment is due', () => {
    const reviews = [{ reviewDate: '2024-03-01', reviewType: 'independent' as const }];
    assert.deepEqual(nextReview(reviews, '2025-02-28'), {
      due: '2025-03-01',
      type: 'self-assessment',
      overdue: false,
    });
    assert.equal(nextReview(reviews, '2025-03-02').overdue, true);
  });

  test('after the in-between self-assessment, the independent review is due 2 years on', () => {
    const reviews = [
      { reviewDate: '2024-03-01', reviewType: 'independent' as const },
      { reviewDate: '2025-03-10', reviewType: 'self-assessment' as const },
    ];
    assert.deepEqual(nextReview(reviews, '2025-06-01'), {
      due: '2026-03-01',
      type: 'independent',
      overdue: false,
    });
  });

  test('with only self-assessments, the next review should be independent', () => {
    const reviews = [{ reviewDate: '2024-05-01', reviewType: 'self-assessment' as const }];
    assert.deepEqual(nextReview(reviews, '2025-06-01'), {
      due: '2025-05-01',
      type: 'independent',
      overdue: true,
    });
  });
});
