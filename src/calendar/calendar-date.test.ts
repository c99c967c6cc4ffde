import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  addMonths,
  ageOn,
  daysInMonth,
  formatIso,
  fromDayNumber,
  toDayNumber,
} from './calendar-date.ts';

describe('calendar dates', () => {
  test('day numbers agree with Date.UTC and round-trip, 1900 to 2199', () => {
    fc.assert(
      fc.property(
        fc.integer({
          min: Date.UTC(1900, 0, 1) / 86_400_000,
          max: Date.UTC(2199, 11, 31) / 86_400_000,
        }),
        (dayNumber) => {
          const date = new Date(dayNumber * 86_400_000);
          const iso = formatIso(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
          assert.equal(toDayNumber(iso), dayNumber);
          assert.equal(fromDayNumber(dayNumber), iso);
        },
      ),
    );
  });

  test('months have their lengths, February 29 days in leap years only', () => {
    assert.deepEqual(
      [
        daysInMonth(2024, 2),
        daysInMonth(2023, 2),
        daysInMonth(1900, 2),
        daysInMonth(2000, 2),
        daysInMonth(2024, 4),
      ],
      [29, 28, 28, 29, 30],
    );
  });

  test('adding months clamps to the end of a shorter month', () => {
    assert.equal(addMonths('2024-08-31', 6), '2025-02-28');
    assert.equal(addMonths('2023-08-31', 6), '2024-02-29');
    assert.equal(addMonths('2024-11-15', 2), '2025-01-15');
  });

  test('age counts a birthday on the day itself', () => {
    assert.equal(ageOn('1990-06-15', '2024-06-14'), 33);
    assert.equal(ageOn('1990-06-15', '2024-06-15'), 34);
  });
});
