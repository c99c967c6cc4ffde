import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeProblem, problem } from './problems.ts';

describe('describeProblem', () => {
  const at = { file: 'team.xlsx', sheet: 'Referrals', row: 14, column: 'Discharge date' };

  test('names the file, sheet, row and column, then what is wrong and what to do', () => {
    const found = problem(
      'error',
      'invalidDate',
      { ...at, column: 'Referral date', value: '13/25/2024' },
      "'13/25/2024' is not a date.",
      'Enter dates as DD/MM/YYYY, for example 05/03/2024.',
    );
    assert.equal(
      describeProblem(found),
      "team.xlsx, sheet 'Referrals', row 14, Referral date: '13/25/2024' is not a date. Enter dates as DD/MM/YYYY, for example 05/03/2024.",
    );
  });

  test('gives the value as typed by its column when the description does not quote it', () => {
    const found = problem(
      'error',
      'dischargeBeforeReferral',
      { ...at, value: '01/03/2024' },
      'The discharge date is before the referral date.',
      'Check both dates.',
    );
    assert.equal(
      describeProblem(found),
      "team.xlsx, sheet 'Referrals', row 14, Discharge date ('01/03/2024'): The discharge date is before the referral date. Check both dates.",
    );
  });

  test('a value the description quotes trimmed or in other capitals is not given twice', () => {
    const found = problem(
      'error',
      'invalidDate',
      { ...at, column: 'Referral date', value: ' TRUE ' },
      "'true' is not a date.",
      'Enter dates as DD/MM/YYYY.',
    );
    assert.equal(
      describeProblem(found),
      "team.xlsx, sheet 'Referrals', row 14, Referral date: 'true' is not a date. Enter dates as DD/MM/YYYY.",
    );
  });

  test('a problem without a value (a never-read or personal column) shows none', () => {
    const found = problem(
      'error',
      'invalidDate',
      { ...at, column: 'Date of birth', value: null },
      'This is not a date.',
      'Enter the date as DD/MM/YYYY.',
    );
    assert.equal(
      describeProblem(found),
      "team.xlsx, sheet 'Referrals', row 14, Date of birth: This is not a date. Enter the date as DD/MM/YYYY.",
    );
  });
});
