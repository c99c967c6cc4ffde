import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDate, formatDateTime, formatInstantDate, formatPeriod } from './nhs-dates.ts';

describe('NHS style dates and times', () => {
  test('a calendar date has no leading zero and the month in full', () => {
    assert.equal(formatDate('2026-04-01'), '1 April 2026');
    assert.equal(formatDate('2025-12-31'), '31 December 2025');
  });

  test('a period runs from one date "to" the other', () => {
    assert.equal(formatPeriod('2025-04-01', '2026-03-31'), '1 April 2025 to 31 March 2026');
  });

  test('a time is on the 12-hour clock with am or pm, minutes only when there are some', () => {
    assert.equal(formatDateTime(new Date('2026-12-02T17:46:00Z')), '2 December 2026 at 5:46pm');
    assert.equal(formatDateTime(new Date('2026-12-02T09:00:59Z')), '2 December 2026 at 9am');
    assert.equal(formatDateTime(new Date('2026-12-02T00:05:00Z')), '2 December 2026 at 12:05am');
    assert.equal(formatDateTime(new Date('2026-12-02T12:30:00Z')), '2 December 2026 at 12:30pm');
  });

  test('midnight and midday are words, not 12am and 12pm', () => {
    assert.equal(formatDateTime(new Date('2026-12-02T00:00:00Z')), '2 December 2026 at midnight');
    assert.equal(formatDateTime(new Date('2026-12-02T12:00:00Z')), '2 December 2026 at midday');
  });

  test('times are on the clocks in England: GMT, then BST from 1am on the last Sunday of March', () => {
    assert.equal(formatDateTime(new Date('2026-03-29T00:30:00Z')), '29 March 2026 at 12:30am');
    assert.equal(formatDateTime(new Date('2026-03-29T01:30:00Z')), '29 March 2026 at 2:30am');
    assert.equal(formatDateTime(new Date('2026-07-01T23:30:00Z')), '2 July 2026 at 12:30am');
  });

  test('BST ends at 2am on the last Sunday of October, when 1am comes twice', () => {
    assert.equal(formatDateTime(new Date('2026-10-25T00:30:00Z')), '25 October 2026 at 1:30am');
    assert.equal(formatDateTime(new Date('2026-10-25T01:30:00Z')), '25 October 2026 at 1:30am');
    assert.equal(formatDateTime(new Date('2026-10-25T02:30:00Z')), '25 October 2026 at 2:30am');
  });

  test("an instant's date is its day in England, not in UTC", () => {
    assert.equal(formatInstantDate(new Date('2026-06-30T23:30:00Z')), '1 July 2026');
    assert.equal(formatInstantDate(new Date('2026-12-31T23:30:00Z')), '31 December 2026');
  });
});
