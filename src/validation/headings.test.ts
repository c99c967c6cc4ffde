import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { COLUMNS } from '../spreadsheet/registry.ts';
import { findColumn, matchHeadings, normaliseHeading, scoreHeadingRow } from './headings.ts';

describe('heading matching', () => {
  test('ignores case, spaces, punctuation and apostrophes', () => {
    assert.equal(findColumn('  CLIENT-ID ')?.key, 'clientId');
    assert.equal(findColumn('Employment specialist (initials)')?.key, 'specialist');
    assert.equal(findColumn("Under 25's only - training")?.key, 'under25Training');
    assert.equal(findColumn('Under 25s only – education')?.key, 'under25Education');
  });

  test('the user guide’s Appendix A names, and common variants, find their columns', () => {
    // Appendix A of the IPS Grow Reporting Tool user guide, as services name their headings.
    const appendixA: ReadonlyArray<[string, string]> = [
      ['Client Unique Identifier/ Local data system ID', 'clientId'],
      ['First Name', 'firstName'],
      ['Surname', 'surname'],
      ['Duplicate Client ID for data validation purposes', 'duplicateClientIdCheck'],
      ['Duplicate Client ID (for data validation purposes)', 'duplicateClientIdCheck'],
      ['Duplicate name and DOB for data validation purposes', 'duplicateNameDobCheck'],
      ['Duplicate name and DoB (for data validation purposes)', 'duplicateNameDobCheck'],
      ['Telephone', 'telephone'],
      ['Email', 'email'],
      ['Post code', 'postcode'],
      ['Local Authority of residence of client', 'localAuthority'],
      ['National Insurance Number', 'nationalInsuranceNumber'],
      ['Data sharing Consent for PHE', 'dataSharingConsent'],
      ['Date of birth', 'dateOfBirth'],
      ['Gender', 'gender'],
      ['Ethnicity', 'ethnicity'],
      ['Work related benefits', 'benefits'],
      ["Employment Specialist's Initials", 'specialist'],
      ['Referral date', 'referralDate'],
      ['Referral source', 'referralSource'],
      ['Referrer name', 'referrerName'],
      ['Substance Group', 'substanceGroup'],
      ['ADDER/Accelerator client', 'adderClient'],
      ['Employment status at referral', 'employmentStatus'],
      ['Date of first attempted contact', 'firstContactDate'],
      ['Date Vocational Profile started', 'vpStartDate'],
      ['Under 25s only – Education', 'under25Education'],
      ['Under 25s only – Training', 'under25Training'],
      ['Under 25s only – Family Involved in Support', 'under25Family'],
      ['Managing Personal Information discussed', 'personalInformationDiscussed'],
      ['Date of first face to face employer contact', 'employerContactDate'],
      ['Caseload status', 'caseloadStatus'],
      ['Discharge date', 'dischargeDate'],
      ['Reason for discharge', 'dischargeReason'],
      ['1st job start date', 'job1.startDate'],
      ['1st job end date', 'job1.endDate'],
      ['13-week sustainment', 'sustainment13'],
      ['26-week sustainment', 'sustainment26'],
      ['Comments', 'comments'],
      ['Duplicates check', 'duplicateClientIdCheck'],
    ];
    for (const [heading, key] of appendixA) assert.equal(findColumn(heading)?.key, key, heading);
    // Variants: notes in brackets, "&" for "and", underscores, capitals, no apostrophe.
    for (const [heading, key] of [
      ['Date of birth (DD/MM/YYYY)', 'dateOfBirth'],
      ['Referral date (dd/mm/yyyy)', 'referralDate'],
      ['Gender (optional)', 'gender'],
      ['Duplicate name & DOB', 'duplicateNameDobCheck'],
      ['CLIENT_UNIQUE_IDENTIFIER', 'clientId'],
      ['Employment Specialists Initials', 'specialist'],
      ['Employment Specialist Initials', 'specialist'],
      ['Date of referral', 'referralDate'],
      ['1st job sector (SIC)', 'job1.sector'],
      ['1st job occupation (SOC)', 'job1.occupation'],
    ] as const)
      assert.equal(findColumn(heading)?.key, key, heading);
    // A heading that is only a note keeps its words.
    assert.equal(findColumn('(Comments)')?.key, 'comments');
  });

  test('"1st" and "first" are the same, up to 5th', () => {
    assert.equal(findColumn('First job start date')?.key, 'job1.startDate');
    assert.equal(findColumn('Fifth job end date')?.key, 'job5.endDate');
    assert.equal(findColumn('Date of 1st attempted contact')?.key, 'firstContactDate');
    assert.equal(
      normaliseHeading('Second job hours per week'),
      normaliseHeading('2nd job hours per week'),
    );
  });

  test('ordinal words match without spaces or with underscores between the words', () => {
    assert.equal(findColumn('Firstjobstartdate')?.key, 'job1.startDate');
    assert.equal(findColumn('first_job_start_date')?.key, 'job1.startDate');
    assert.equal(findColumn('THIRD-JOB-END-DATE')?.key, 'job3.endDate');
    assert.equal(findColumn('DateOfFirstAttemptedContact')?.key, 'firstContactDate');
    assert.equal(findColumn('Firstname')?.key, 'firstName');
  });

  test("a column's own heading wins over another name for it, which is then not read", () => {
    const match = matchHeadings(['ES initials', 'Client ID', 'Employment specialist initials']);
    assert.deepEqual(
      match.matched.map(({ index, column }) => [index, column.key]),
      [
        [1, 'clientId'],
        [2, 'specialist'],
      ],
    );
    assert.deepEqual(match.repeated, []);
    assert.deepEqual(match.unknown, [{ index: 0, heading: 'ES initials', didYouMean: undefined }]);
  });

  test('a never-read column under another name is not an error; any heading twice is', () => {
    const neverRead = matchHeadings(['Telephone', 'Phone', 'Notes', 'Comments', 'Phone number']);
    assert.deepEqual(neverRead.repeated, []);
    assert.deepEqual(
      neverRead.unknown.map(({ heading }) => heading),
      ['Phone', 'Notes', 'Phone number'],
    );
    const sameTwice = matchHeadings(['Telephone', 'telephone', 'Client ID', 'CLIENT ID']);
    assert.deepEqual(
      sameTwice.repeated.map(({ index }) => index),
      [1, 3],
    );
    // Two other names and no own heading: which to read is not clear.
    const twoOtherNames = matchHeadings(['VP start date', 'Vocational profile start date']);
    assert.deepEqual(
      twoOtherNames.repeated.map(({ heading }) => heading),
      ['Vocational profile start date'],
    );
  });

  test('every registry heading and alias finds its own column, and no two columns share one', () => {
    const seen = new Map<string, string>();
    for (const column of COLUMNS) {
      for (const heading of [column.heading, ...column.aliases]) {
        assert.equal(findColumn(heading)?.key, column.key, heading);
        const normalised = normaliseHeading(heading);
        assert.ok(!seen.has(normalised) || seen.get(normalised) === column.key, heading);
        seen.set(normalised, column.key);
      }
    }
  });

  test('headers such as __proto__ are just unknown headings', () => {
    const match = matchHeadings(['__proto__', 'constructor', 'Client ID']);
    assert.deepEqual(
      match.unknown.map((unknown) => unknown.heading),
      ['__proto__', 'constructor'],
    );
  });

  test('missing mandatory headings are listed, with a "did you mean" from a near miss', () => {
    const match = matchHeadings([
      'Client ID',
      'Employment specialist initals',
      'Referal date',
      'Gendr',
    ]);
    const missing = new Map(
      match.missingRequired.map(({ column, didYouMean }) => [column.key, didYouMean]),
    );
    assert.equal(missing.get('specialist'), 'Employment specialist initals');
    assert.equal(missing.get('referralDate'), 'Referal date');
    assert.equal(missing.get('vpStartDate'), undefined);
    assert.ok(missing.has('dischargeDate'));
    assert.ok(missing.has('job1.startDate') && missing.has('job1.endDate'));
    assert.ok(!missing.has('job2.startDate'), 'later job blocks are optional');
    assert.equal(
      match.unknown.find((unknown) => unknown.heading === 'Gendr')?.didYouMean?.key,
      'gender',
    );
  });

  test('a repeated heading is reported, and blank headings are noted', () => {
    const match = matchHeadings(['Client ID', null, 'client id', '']);
    assert.deepEqual(
      match.repeated.map((repeated) => repeated.index),
      [2],
    );
    assert.deepEqual(match.blankHeadingIndexes, [1, 3]);
  });

  test('a heading row is recognised by its mandatory headings, M and H', () => {
    const mandatory = ['Client ID', 'Employment specialist initials', 'Referral date'];
    const mandatoryMayBeBlank = [
      'Date vocational profile started',
      'Discharge date',
      '1st job start date',
      '1st job end date',
    ];
    assert.deepEqual(scoreHeadingRow([...mandatory, ...mandatoryMayBeBlank]), {
      known: 7,
      hasMandatory: true,
    });
    assert.deepEqual(scoreHeadingRow([...mandatory, ...mandatoryMayBeBlank.slice(1)]), {
      known: 6,
      hasMandatory: false,
    });
    assert.equal(scoreHeadingRow(['Client ID', 'Referral date', 'Gender']).hasMandatory, false);
    assert.equal(
      scoreHeadingRow(['C000149', 'TESTPII', { kind: 'date', date: '2024-01-01' }]).known,
      0,
    );
  });
});
