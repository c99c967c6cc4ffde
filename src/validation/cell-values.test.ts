import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OTHER_NOT_RECOGNISED } from '../spreadsheet/lists.ts';
import {
  isBlank,
  parseDate,
  parseHours,
  parseInitials,
  parseListValue,
  parseYesNo,
  Unreadable,
} from './cell-values.ts';

const isRefused = (parsed: unknown) => parsed instanceof Unreadable;

describe('parseDate', () => {
  const accepted: Array<[string, string]> = [
    ['05/03/2024', '2024-03-05'],
    ['5/3/2024', '2024-03-05'],
    [' 29/02/2024 ', '2024-02-29'],
    ['2024-03-05', '2024-03-05'],
    ['31/12/1999', '1999-12-31'],
  ];
  for (const [typed, iso] of accepted) {
    test(`reads '${typed}' as ${iso}`, () => {
      assert.equal(parseDate(typed), iso);
    });
  }

  test('a real date cell is taken as it is', () => {
    assert.equal(parseDate({ kind: 'date', date: '2024-07-01' }), '2024-07-01');
  });

  test("refuses '13/25/2024' with the message SPREADSHEET.md gives", () => {
    assert.deepEqual(
      parseDate('13/25/2024'),
      new Unreadable(
        "'13/25/2024' is not a date.",
        'Enter dates as DD/MM/YYYY, for example 05/03/2024.',
      ),
    );
  });

  test('a month-first date that cannot be day-first is called out as US-style, with the fix', () => {
    const parsed = parseDate('03/25/2024');
    assert.ok(parsed instanceof Unreadable);
    assert.match(parsed.description, /US-style/);
    assert.match(parsed.fix, /25\/03\/2024/);
  });

  test('a day that does not exist names the month', () => {
    const parsed = parseDate('31/02/2024');
    assert.ok(parsed instanceof Unreadable);
    assert.equal(
      parsed.description,
      "'31/02/2024' is not a real date: February 2024 has no day 31.",
    );
  });

  test('29 February only in leap years', () => {
    assert.ok(isRefused(parseDate('29/02/2023')));
    assert.ok(!isRefused(parseDate('29/02/2000')));
    assert.ok(isRefused(parseDate('29/02/1900')));
  });

  test('two-digit years are refused with the full-year fix', () => {
    const parsed = parseDate('05/03/24');
    assert.ok(parsed instanceof Unreadable);
    assert.match(parsed.description, /four-digit year/);
    assert.match(parsed.fix, /05\/03\/2024/);
  });

  for (const typed of [
    'next Tuesday',
    '2024/03/05',
    '05-03-2024',
    '05.03.2024',
    '1/2/3/2024',
    '',
    '00/01/2024',
    '2024-13-01',
  ]) {
    test(`refuses '${typed}'`, () => {
      assert.ok(isRefused(parseDate(typed)));
    });
  }

  test('a plain number is not taken for an Excel serial date', () => {
    const parsed = parseDate(45000);
    assert.ok(parsed instanceof Unreadable);
    assert.match(parsed.description, /is a number, not a date/);
  });
});

describe('isBlank', () => {
  test('blank is what parseText trims to nothing, Unicode spaces included', () => {
    for (const blank of [
      null,
      '',
      '   ',
      '\t\r\n',
      '\v\f',
      '\u00a0',
      '\u2003',
      ' \u3000 ',
      '\ufeff',
    ]) {
      assert.equal(isBlank(blank), true, JSON.stringify(blank));
    }
    for (const filled of ['a', ' C1 ', '\u2003x', '\u00e9', 0, false]) {
      assert.equal(isBlank(filled), false, JSON.stringify(filled));
    }
  });
});

describe('parseYesNo', () => {
  test('accepts Yes/No in any case, Y/N, TRUE/FALSE and boolean cells', () => {
    for (const yes of ['Yes', 'YES', 'y', 'true', true]) assert.equal(parseYesNo(yes), true);
    for (const no of ['No', 'no', 'N', 'FALSE', false]) assert.equal(parseYesNo(no), false);
  });
  test('refuses anything else', () => {
    assert.ok(isRefused(parseYesNo('Maybe')));
    assert.ok(isRefused(parseYesNo(1)));
  });
});

describe('parseHours', () => {
  test('numbers and numeric text from 0 to 80, decimals allowed', () => {
    assert.equal(parseHours(16), 16);
    assert.equal(parseHours('7.5'), 7.5);
    assert.equal(parseHours(0), 0);
    assert.equal(parseHours('80'), 80);
  });
  test('refuses out of range and non-numbers', () => {
    for (const bad of [80.5, -1, '16 hours', 'part time', '1e2'])
      assert.ok(isRefused(parseHours(bad)), String(bad));
  });
});

describe('parseInitials', () => {
  test('2 to 4 letters, upper-cased', () => {
    assert.equal(parseInitials('js'), 'JS');
    assert.equal(parseInitials('ABCD'), 'ABCD');
  });
  test('refuses one letter, five, and punctuation', () => {
    for (const bad of ['J', 'ABCDE', 'J.S.', 'J S', '12'])
      assert.ok(isRefused(parseInitials(bad)), bad);
  });
});

describe('parseListValue', () => {
  test('matches case-insensitively and treats dashes alike', () => {
    assert.deepEqual(parseListValue('R', 'unemployed – SEEKING work', false), {
      recognised: true,
      value: 'Unemployed - seeking work',
    });
    assert.deepEqual(parseListValue('B', 'jobseeker’s allowance', false), {
      recognised: true,
      value: "Jobseeker's Allowance",
    });
  });
  test('suggests the closest value for a slip, and none for something unrelated', () => {
    assert.deepEqual(parseListValue('G', 'Femail', false), {
      recognised: false,
      suggestion: 'Female',
    });
    assert.deepEqual(parseListValue('G', 'Astronaut', false), {
      recognised: false,
      suggestion: undefined,
    });
  });
  test('sector and occupation also take SIC/SOC codes', () => {
    assert.deepEqual(parseListValue('J', '47110', true), { recognised: true, value: '47110' });
    for (const sic of ['47', '471', '47.11', '47.110', 47110]) {
      assert.equal(parseListValue('J', sic, true).recognised, true, `SIC ${sic}`);
    }
    for (const soc of ['2', '21', '213', '2136', 2136]) {
      assert.equal(parseListValue('K', soc, true).recognised, true, `SOC ${soc}`);
    }
    for (const [list, notCode] of [
      ['J', '4'],
      ['J', '471100'],
      ['J', '4.711'],
      ['K', '99999'],
      ['K', '21.3'],
    ] as const) {
      assert.equal(parseListValue(list, notCode, true).recognised, false, `${list} ${notCode}`);
    }
    assert.equal(parseListValue('J', '47110', false).recognised, false);
  });
  test('the "not recognised" label is not itself a list value', () => {
    assert.equal(parseListValue('G', OTHER_NOT_RECOGNISED, false).recognised, false);
  });
});
