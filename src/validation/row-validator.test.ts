import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CellValue } from '../spreadsheet/cells.ts';
import { NOT_ON_SERVICE_LIST, ReferralSourceList } from '../spreadsheet/referral-sources.ts';
import { isReadColumn } from '../spreadsheet/registry.ts';
import { matchHeadings } from './headings.ts';
import type { Problem } from './problems.ts';
import { type PlannedColumn, RowValidator } from './row-validator.ts';

const HEADINGS = [
  'Client ID',
  'Date of birth',
  'Gender',
  'Employment specialist initials',
  'Referral date',
  'Employment status at referral',
  'Date vocational profile started',
  'Caseload status',
  'Discharge date',
  '1st job start date',
  '1st job hours per week',
  '1st job end date',
  '2nd job start date',
  '2nd job hours per week',
  '2nd job end date',
  'Date of first attempted contact',
  'Date of first face to face employer contact',
  'Local authority of residence',
  'Referral source',
];

const SERVICE_SOURCES = new ReferralSourceList([
  { name: 'Leeds CMHT', category: 'Community mental health team' },
  { name: 'GP surgery', category: 'Primary care or GP' },
]);

const PLAN: PlannedColumn[] = matchHeadings(HEADINGS).matched.flatMap(
  ({ index, heading, column }) => (isReadColumn(column) ? [{ index, heading, column }] : []),
);

type RowValues = Partial<Record<(typeof HEADINGS)[number], CellValue>>;

const VALID: RowValues = {
  'Client ID': 'C001',
  'Date of birth': '15/06/1990',
  Gender: 'Female',
  'Employment specialist initials': 'ab',
  'Referral date': '01/12/2023',
  'Employment status at referral': 'Unemployed - seeking work',
  'Date vocational profile started': '10/12/2023',
  '1st job start date': { kind: 'date', date: '2024-05-01' },
  '1st job hours per week': 20,
};

function check(
  values: RowValues,
  today = '2025-01-01',
  referralSources: ReferralSourceList | null = SERVICE_SOURCES,
) {
  const problems: Problem[] = [];
  const cells = HEADINGS.map((heading) => values[heading] ?? null);
  const validator = new RowValidator(PLAN, {
    file: 'team.xlsx',
    sheet: 'Referrals',
    today,
    clientKeyOf: (clientId) => `key(${clientId})`,
    referralSources,
    problems,
  });
  const record = validator.validate({ rowNumber: 14, cells });
  return { record, problems };
}

const codes = (problems: readonly Problem[]) =>
  problems.map((found) => `${found.severity}:${found.code}`);

describe('RowValidator', () => {
  test('a clean row becomes a pseudonymised record', () => {
    const { record, problems } = check(VALID);
    assert.deepEqual(problems, []);
    assert.ok(record);
    assert.equal(record.clientKey, 'key(C001)');
    assert.equal(record.specialist, 'AB');
    assert.equal(record.referralDate, '2023-12-01');
    assert.equal(record.ageBand, '25–34');
    assert.equal(record.vpStartDate, '2023-12-10');
    assert.deepEqual(record.jobs, [
      {
        startDate: '2024-05-01',
        endDate: null,
        hoursPerWeek: 20,
        sector: null,
        occupation: null,
        preferenceMet: null,
      },
    ]);
    assert.ok(!('dateOfBirth' in record) && !('clientId' in record));
  });

  test('a wrong date names row, column, value as typed and the fix', () => {
    const { record, problems } = check({ ...VALID, 'Referral date': '13/25/2024' });
    assert.equal(record, null);
    assert.deepEqual(problems, [
      {
        severity: 'error',
        code: 'invalidDate',
        file: 'team.xlsx',
        sheet: 'Referrals',
        row: 14,
        column: 'Referral date',
        value: '13/25/2024',
        description: "'13/25/2024' is not a date.",
        fix: 'Enter dates as DD/MM/YYYY, for example 05/03/2024.',
      },
    ]);
  });

  test('mandatory values blank are errors; H columns may be blank', () => {
    const { record, problems } = check({
      ...VALID,
      'Client ID': '  ',
      'Employment specialist initials': null,
      'Date vocational profile started': null,
    });
    assert.equal(record, null);
    assert.deepEqual(codes(problems), ['error:mandatoryValueBlank', 'error:mandatoryValueBlank']);
    assert.deepEqual(
      problems.map((found) => found.column),
      ['Client ID', 'Employment specialist initials'],
    );
  });

  test('personal values are never echoed, even when wrong', () => {
    const { problems } = check({ ...VALID, 'Date of birth': 'TESTPII-dob' });
    assert.deepEqual(codes(problems), ['error:invalidDate']);
    assert.equal(problems[0]?.value, null);
    assert.ok(!JSON.stringify(problems).includes('TESTPII'));
  });

  test('job end before start, discharge before referral, job without a start: errors', () => {
    const { record, problems } = check({
      ...VALID,
      '1st job end date': '30/04/2024',
      'Discharge date': '30/11/2023',
      '2nd job hours per week': 10,
    });
    assert.equal(record, null);
    assert.deepEqual(
      new Set(codes(problems)),
      new Set([
        'error:jobEndBeforeStart',
        'error:dischargeBeforeReferral',
        'error:jobWithoutStart',
      ]),
    );
  });

  test('warnings keep the record: VP and job before referral, hours over 60, future date, list value, age', () => {
    const { record, problems } = check(
      {
        ...VALID,
        'Date of birth': '01/01/2010',
        Gender: 'Femail',
        'Date vocational profile started': '01/11/2023',
        '1st job start date': '01/11/2023',
        '1st job hours per week': 61,
        '2nd job start date': '01/03/2025',
      },
      '2025-01-01',
    );
    assert.ok(record);
    assert.equal(record.gender, 'Other / not recognised');
    assert.equal(record.ageBand, 'unknown');
    assert.deepEqual(
      new Set(codes(problems)),
      new Set([
        'warning:valueNotInList',
        'warning:dateBeforeReferral',
        'warning:hoursOver60',
        'warning:futureDate',
        'warning:ageOutOfRange',
      ]),
    );
    assert.match(
      problems.find((found) => found.code === 'valueNotInList')?.fix ?? '',
      /Did you mean 'Female'\?/,
    );
    assert.equal(problems.filter((found) => found.code === 'dateBeforeReferral').length, 2);
  });

  test('a contact dated before what its wait is timed from: a warning naming the wait', () => {
    const { record, problems } = check({
      ...VALID,
      'Date of first attempted contact': '30/11/2023',
      'Date of first face to face employer contact': '09/12/2023',
    });
    assert.ok(record, 'the record is kept');
    assert.deepEqual(codes(problems), [
      'warning:contactBeforeReferral',
      'warning:employerContactBeforeVpStart',
    ]);
    assert.deepEqual(
      problems.map(({ column, value }) => [column, value]),
      [
        ['Date of first attempted contact', '30/11/2023'],
        ['Date of first face to face employer contact', '09/12/2023'],
      ],
    );
    assert.match(problems[0]?.description ?? '', /counts as within 5 days/);
    assert.match(problems[1]?.description ?? '', /counts as within 30 days/);
    // On the day itself, or after: nothing to say.
    assert.deepEqual(
      check({
        ...VALID,
        'Date of first attempted contact': '01/12/2023',
        'Date of first face to face employer contact': '10/12/2023',
      }).problems,
      [],
    );
  });

  test('caseload status and discharge date must agree (warnings)', () => {
    assert.deepEqual(codes(check({ ...VALID, 'Caseload status': 'Discharged' }).problems), [
      'warning:dischargedWithoutDate',
    ]);
    assert.deepEqual(
      codes(
        check({
          ...VALID,
          'Caseload status': 'Active - in work support',
          'Discharge date': '01/06/2024',
        }).problems,
      ),
      // The 1st job has no end date: held after the discharge too.
      ['warning:dischargeDateWithActiveStatus', 'warning:openJobAfterDischarge'],
    );
  });

  test('a job of 0 hours a week is kept with a warning; other hours, or none, are not', () => {
    const { record, problems } = check({ ...VALID, '1st job hours per week': 0 });
    assert.equal(record?.jobs[0]?.hoursPerWeek, 0, 'the job is kept, 0 hours and all');
    assert.deepEqual(
      problems.map(({ severity, code, row, column, value }) => [
        severity,
        code,
        row,
        column,
        value,
      ]),
      [['warning', 'zeroHoursJob', 14, '1st job hours per week', '0']],
    );
    assert.match(problems[0]?.description ?? '', /^Job 1 .* counts as a job start, in the lowest/);
    for (const hours of [0.5, 4, null]) {
      assert.deepEqual(
        check({ ...VALID, '1st job hours per week': hours }).problems,
        [],
        `${hours}`,
      );
    }
  });

  test('a discharged record with a counted job and no end date: one warning, at the end date', () => {
    const discharged = {
      ...VALID,
      'Caseload status': 'Discharged',
      'Discharge date': '01/09/2024',
    };
    const { record, problems } = check(discharged);
    assert.ok(record, 'the record is kept');
    assert.deepEqual(
      problems.map(({ code, column, value }) => [code, column, value]),
      [['openJobAfterDischarge', '1st job end date', null]],
    );
    assert.match(problems[0]?.description ?? '', /but job 1 has no end date/);
    assert.match(problems[0]?.description ?? '', /"reached after discharge, not evidenced"/);
    assert.match(problems[0]?.fix ?? '', /Enter the job end date.*still in work/);

    const twoHeld = check({ ...discharged, '2nd job start date': '01/06/2024' }).problems;
    assert.deepEqual(codes(twoHeld), ['warning:openJobAfterDischarge'], 'one per record');
    assert.match(twoHeld[0]?.description ?? '', /but jobs 1 and 2 have no end date/);
    const secondHeld = check({
      ...discharged,
      '1st job end date': '31/05/2024',
      '2nd job start date': '01/06/2024',
    }).problems;
    assert.equal(secondHeld[0]?.column, '2nd job end date');
  });

  test('no warning for a job with an end date, an open record, or a job started before referral', () => {
    const discharged = {
      ...VALID,
      'Caseload status': 'Discharged',
      'Discharge date': '01/09/2024',
    };
    assert.deepEqual(check({ ...discharged, '1st job end date': '31/08/2024' }).problems, []);
    assert.deepEqual(check(VALID).problems, [], 'not discharged: the job is simply still held');
    // Held at referral, so it never counts towards sustainment: only that is said.
    assert.deepEqual(codes(check({ ...discharged, '1st job start date': '01/11/2023' }).problems), [
      'warning:dateBeforeReferral',
    ]);
  });

  test('an employment status that begins "Employed" but is not in the list: its own warning', () => {
    const { record, problems } = check({
      ...VALID,
      'Employment status at referral': 'Employed, seeking a different job',
    });
    assert.equal(record?.employmentStatus, 'Other / not recognised');
    assert.deepEqual(
      problems.map(({ severity, code, column, value }) => [severity, code, column, value]),
      [
        [
          'warning',
          'employedStatusNotListed',
          'Employment status at referral',
          'Employed, seeking a different job',
        ],
      ],
      'once, and not also as a value not in the list',
    );
    assert.match(problems[0]?.description ?? '', /does not count as in work at referral/);
    assert.equal(
      problems[0]?.fix,
      "Did you mean 'Employed - seeking a different job'? Choose a value from the list.",
    );
    // Too far from any of the three to guess: all three are offered.
    const unguessable = check({ ...VALID, 'Employment status at referral': 'EMPLOYED full time' });
    assert.deepEqual(codes(unguessable.problems), ['warning:employedStatusNotListed']);
    assert.match(
      unguessable.problems[0]?.fix ?? '',
      /'Employed - off work sick', 'Employed - at work, job at risk', 'Employed - seeking a different job'/,
    );
  });

  test('a listed "Employed" status is no warning; another unlisted status keeps the list\'s', () => {
    const listed = check({ ...VALID, 'Employment status at referral': 'employed – off work sick' });
    assert.equal(listed.record?.employmentStatus, 'Employed - off work sick');
    assert.deepEqual(listed.problems, []);
    for (const typed of ['Unemployed - seekin work', 'Self-employed']) {
      const { problems } = check({ ...VALID, 'Employment status at referral': typed });
      assert.deepEqual(codes(problems), ['warning:valueNotInList'], typed);
    }
  });

  test('job blocks keep spreadsheet order and skip empty blocks', () => {
    const { record } = check({
      ...VALID,
      '2nd job start date': '01/09/2024',
      '2nd job end date': '30/09/2024',
    });
    assert.deepEqual(
      record?.jobs.map((job) => [job.startDate, job.endDate]),
      [
        ['2024-05-01', null],
        ['2024-09-01', '2024-09-30'],
      ],
    );
  });
});

describe('local authority and referral source: no typed text is stored', () => {
  const CANARY = 'Jane Doe DOB 01/02/1980';

  test('a district by name or code is stored as its ONS code', () => {
    for (const typed of ['Leeds', ' LEEDS ', 'E08000035', 'e08000035']) {
      const { record, problems } = check({ ...VALID, 'Local authority of residence': typed });
      assert.equal(record?.localAuthority, 'E08000035', typed);
      assert.deepEqual(problems, [], typed);
    }
  });

  test('anything else is a warning that does not echo it, and nothing is stored', () => {
    const { record, problems } = check({ ...VALID, 'Local authority of residence': CANARY });
    assert.ok(record, 'the row is kept');
    assert.equal(record.localAuthority, null);
    const [warning] = problems;
    assert.equal(problems.length, 1);
    assert.equal(warning?.severity, 'warning');
    assert.equal(warning?.code, 'notALocalAuthority');
    assert.equal(warning?.column, 'Local authority of residence');
    assert.equal(warning?.value, null);
    assert.doesNotMatch(JSON.stringify(problems), /Jane|1980/);
  });

  test("a source on the service's list is stored in the list's spelling, with its category", () => {
    const { record, problems } = check({ ...VALID, 'Referral source': '  leeds   cmht' });
    assert.equal(record?.referralSource, 'Leeds CMHT');
    assert.equal(record?.referralSourceCategory, 'Community mental health team');
    assert.deepEqual(problems, []);
  });

  test("a source not on the list is stored as not on the service's list, with a warning", () => {
    const { record, problems } = check({ ...VALID, 'Referral source': CANARY });
    assert.equal(record?.referralSource, NOT_ON_SERVICE_LIST);
    assert.equal(record?.referralSourceCategory, NOT_ON_SERVICE_LIST);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.code, 'referralSourceNotListed');
    assert.equal(problems[0]?.severity, 'warning');
    assert.equal(problems[0]?.value, null);
    assert.doesNotMatch(JSON.stringify({ record, problems }), /Jane|1980/);
  });

  test("without a service's list, a source is neither checked nor kept", () => {
    const { record, problems } = check({ ...VALID, 'Referral source': CANARY }, undefined, null);
    assert.equal(record?.referralSource, null);
    assert.equal(record?.referralSourceCategory, null);
    assert.deepEqual(problems, []);
  });

  test('blank stays not recorded', () => {
    const { record } = check(VALID);
    assert.equal(record?.localAuthority, null);
    assert.equal(record?.referralSource, null);
    assert.equal(record?.referralSourceCategory, null);
  });
});
