import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIpsReport } from './support/cli-harness.ts';

const malformed = (name: string) => fileURLToPath(new URL(`./malformed/${name}`, import.meta.url));

/** Each file in test/malformed, the error it must give, and words the message must contain. */
const CASES: ReadonlyArray<{
  files: string[];
  code: string;
  says: RegExp;
  row?: number;
  column?: string;
  value?: string;
}> = [
  { files: ['empty.csv'], code: 'fileUnreadable', says: /The file is empty/ },
  { files: ['header-only.csv'], code: 'noDataRows', says: /headings but no rows of data/ },
  { files: ['wrong-type.pdf'], code: 'fileUnreadable', says: /A \.pdf file cannot be read/ },
  {
    files: ['not-really.xlsx'],
    code: 'fileUnreadable',
    says: /named as an Excel workbook but is not one/,
  },
  { files: ['truncated.xlsx'], code: 'fileUnreadable', says: /damaged|incomplete|not a complete/i },
  { files: ['encrypted.xlsx'], code: 'fileUnreadable', says: /password-protected or encrypted/ },
  { files: ['legacy.xls'], code: 'fileUnreadable', says: /\.xls/ },
  { files: ['entity-expansion.xlsx'], code: 'fileUnreadable', says: /DOCTYPE|entit|unsafe/i },
  { files: ['zip-bomb.xlsx'], code: 'fileUnreadable', says: /uncompress|decompress|expands/i },
  { files: ['unclosed-quote.csv'], code: 'fileUnreadable', says: /quot/i },
  {
    files: ['no-standard-headings.csv'],
    code: 'noQualifyingSheet',
    says: /None of the sheets has the standard headings/,
  },
  {
    files: ['missing-heading.csv'],
    code: 'missingHeading',
    says: /The Referral date column is missing\. Add a column headed 'Referral date'/,
  },
  {
    files: ['misspelt-heading.csv'],
    code: 'missingHeading',
    says: /Did you mean 'Referal date'\? Rename that heading to 'Referral date'/,
  },
  {
    files: ['repeated-heading.csv'],
    code: 'repeatedHeading',
    says: /The Referral date column appears more than once/,
  },
  {
    files: ['blank-mandatory-value.csv'],
    code: 'mandatoryValueBlank',
    says: /row 3, Employment specialist initials: Employment specialist initials is blank/,
    row: 3,
  },
  {
    files: ['not-a-date.csv'],
    code: 'invalidDate',
    says: /row 2, Referral date: '13\/25\/2024' is not a date\. Enter dates as DD\/MM\/YYYY, for example 05\/03\/2024\./,
    row: 2,
    column: 'Referral date',
    value: '13/25/2024',
  },
  { files: ['us-style-date.csv'], code: 'invalidDate', says: /US-style date.*25\/03\/2024/ },
  { files: ['impossible-date.csv'], code: 'invalidDate', says: /February 2024 has no day 31/ },
  { files: ['two-digit-year.csv'], code: 'invalidDate', says: /four-digit year/ },
  {
    files: ['not-a-number.csv'],
    code: 'invalidNumber',
    says: /'full time' is not a number of hours/,
  },
  {
    files: ['hours-out-of-range.csv'],
    code: 'invalidNumber',
    says: /'95' is not between 0 and 80 hours/,
  },
  {
    files: ['bad-initials.csv'],
    code: 'invalidInitials',
    says: /'A\.B\.' is not employment specialist initials/,
  },
  {
    files: ['duplicate-rows.csv'],
    code: 'duplicateKey',
    says: /row 3: This row has the same client ID and referral date as row 2\./,
    row: 3,
  },
  {
    files: ['duplicate-across-files-1.csv', 'duplicate-across-files-2.csv'],
    code: 'duplicateKey',
    says: /duplicate-across-files-2\.csv, row 2: .* as row 2 of duplicate-across-files-1\.csv/,
  },
  {
    files: ['job-end-before-start.csv'],
    code: 'jobEndBeforeStart',
    says: /Job 1 ends before it starts/,
  },
  {
    files: ['discharge-before-referral.csv'],
    code: 'dischargeBeforeReferral',
    says: /discharge date is before the referral date/,
  },
  {
    files: ['job-without-start.csv'],
    code: 'jobWithoutStart',
    says: /Job 2 has an end date or hours but no start date/,
  },
];

describe('malformed inputs: the specific message, exit 1, never a stack trace', () => {
  for (const { files, code, says, row, column, value } of CASES) {
    test(files.join(' + '), () => {
      const paths = files.map(malformed);
      const text = runIpsReport(['validate', ...paths]);
      assert.equal(text.exitCode, 1);
      assert.match(text.stdout, says);
      assert.doesNotMatch(text.stdout + text.stderr, /\n\s+at .+:\d+:\d+|Error:/);
      assert.doesNotMatch(text.stdout, /TESTPII/, 'never-read columns are never echoed');

      const json = JSON.parse(runIpsReport(['validate', ...paths, '--json']).stdout);
      assert.equal(json.valid, false);
      const error = json.errors.find((found: { code: string }) => found.code === code);
      assert.ok(
        error,
        `expected a ${code} error, got ${json.errors.map((found: { code: string }) => found.code).join(', ')}`,
      );
      if (row !== undefined) assert.equal(error.row, row);
      if (column !== undefined) assert.equal(error.column, column);
      if (value !== undefined) assert.equal(error.value, value);

      const metrics = runIpsReport([
        'metrics',
        ...paths,
        '--from',
        '2024-04-01',
        '--to',
        '2025-03-31',
      ]);
      assert.equal(
        metrics.exitCode,
        1,
        'metrics refuses to compute figures from a file with errors',
      );
      assert.equal(metrics.stdout, '');
    });
  }

  test('the row limit is stated in the message', () => {
    const run = runIpsReport(['validate', malformed('duplicate-rows.csv'), '--max-rows', '1']);
    assert.equal(run.exitCode, 1);
    assert.match(run.stdout, /more than 1 rows of data, the most one file may have/);
  });
});

describe('bad arguments exit 2 with the usage', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['no command', [], /Usage:/],
    ['unknown command', ['frobnicate', 'x.csv'], /Unknown command 'frobnicate'/],
    ['no files', ['validate'], /Name at least one spreadsheet file/],
    ['unknown option', ['validate', 'x.csv', '--colour'], /Unknown option '--colour'/],
    [
      'missing file',
      ['validate', 'does-not-exist.csv'],
      /Cannot read 'does-not-exist\.csv': there is no such file/,
    ],
    [
      'metrics without a period',
      ['metrics', malformed('header-only.csv')],
      /needs --from and --to/,
    ],
    [
      'a date not YYYY-MM-DD',
      ['metrics', malformed('header-only.csv'), '--from', '01/04/2024', '--to', '2025-03-31'],
      /--from must be a date written YYYY-MM-DD/,
    ],
    [
      'an impossible date',
      ['metrics', malformed('header-only.csv'), '--from', '2024-02-30', '--to', '2025-03-31'],
      /--from must be a date/,
    ],
    [
      'from after to',
      ['metrics', malformed('header-only.csv'), '--from', '2025-04-01', '--to', '2025-03-31'],
      /is after --to/,
    ],
    [
      'bad employment status',
      [
        'metrics',
        malformed('header-only.csv'),
        '--from',
        '2024-04-01',
        '--to',
        '2025-03-31',
        '--employment-status',
        'retired',
      ],
      /--employment-status must be one of: all, out-of-work, in-work/,
    ],
    [
      'bad row limit',
      ['validate', 'x.csv', '--max-rows', 'lots'],
      /--max-rows must be a whole number/,
    ],
  ];
  for (const [name, args, says] of cases) {
    test(name, () => {
      const run = runIpsReport(args);
      assert.equal(run.exitCode, 2);
      assert.match(run.stderr + run.stdout, says);
    });
  }
});
