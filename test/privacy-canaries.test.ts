import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { ingestFiles } from '../src/ingest/ingest.ts';
import { clientKeyHasher } from '../src/referrals/pseudonymise.ts';
import { writeCsv } from '../src/spreadsheet/csv/csv-writer.ts';
import { COLUMNS } from '../src/spreadsheet/registry.ts';
import { writeXlsx } from '../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../src/synthetic/referral-rows.ts';
import { runIpsReport } from './support/cli-harness.ts';

/**
 * docs/DESIGN.md privacy rules: names, contact details, NI number, referrer, employer, job role,
 * comments, date of birth and the raw client ID never appear in records, messages or output.
 */

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Every personal value in the fixture: the TESTPII canaries, client IDs and dates of birth. */
function personalValues(): string[] {
  const table = Papa.parse<Record<string, string>>(
    readFileSync(fixture('example-team.csv'), 'utf8'),
    { header: true, skipEmptyLines: true },
  );
  const values = new Set<string>(['TESTPII']);
  for (const row of table.data) {
    values.add(row['Client ID'] ?? '');
    const dateOfBirth = row['Date of birth'] ?? '';
    const [day, month, year] = dateOfBirth.split('/');
    values.add(dateOfBirth);
    values.add(`${year}-${month}-${day}`);
    for (const heading of ['Telephone', 'Postcode', '1st job role', '2nd job role'])
      values.add(row[heading] ?? '');
  }
  values.delete('');
  values.delete('undefined-undefined-undefined');
  return [...values];
}

function assertNoPersonalData(output: string, where: string): void {
  const found = personalValues().filter((value) => output.includes(value));
  assert.deepEqual(found, [], `${where} contains personal data`);
}

describe('no personal data leaves the upload', () => {
  for (const file of ['example-team.csv', 'example-team.xlsx']) {
    test(`${file}: records, problems and summaries`, () => {
      const result = ingestFiles([{ name: file, bytes: readFileSync(fixture(file)) }], {
        clientKeyOf: clientKeyHasher('secret'),
        today: '2025-11-20',
      });
      assert.equal(result.records.length, 400);
      assertNoPersonalData(JSON.stringify(result), 'the ingest result');
    });

    test(`${file}: every ips-report output`, () => {
      const path = fixture(file);
      const period = ['--from', '2024-04-01', '--to', '2025-03-31', '--today', '2025-11-20'];
      for (const args of [
        ['validate', path],
        ['validate', path, '--json'],
        ['metrics', path, ...period],
        ['metrics', path, ...period, '--json'],
      ]) {
        const run = runIpsReport(args);
        assert.equal(run.exitCode, 0, args.join(' '));
        assertNoPersonalData(run.stdout + run.stderr, `ips-report ${args.slice(0, 1).join(' ')}`);
      }
    });
  }

  test('canaries in every never-read column and the date of birth never come out, in XLSX or CSV', () => {
    const canary = 'CANARYPII';
    const dateOfBirth = '1961-07-23';
    const options = {
      rows: 300,
      seed: 11,
      today: '2025-11-20',
      piiCanary: canary,
      clientIdPrefix: 'CANARYID',
      dateOfBirth,
    };
    const forCsv = generateReferralRows(options);
    const forXlsx = generateReferralRows(options);
    const files = [
      {
        name: 'canaries.csv',
        bytes: new TextEncoder().encode(writeCsv(forCsv.headings, forCsv.rows)),
      },
      {
        name: 'canaries.xlsx',
        bytes: writeXlsx([{ name: 'Referrals', rows: [forXlsx.headings, ...forXlsx.rows] }]),
      },
    ];
    // The files really do carry a canary in every never-read column.
    const headingsRead = new Set(forCsv.headings);
    for (const column of COLUMNS) assert.ok(headingsRead.has(column.heading), column.heading);
    for (const file of files) {
      const result = ingestFiles([file], {
        clientKeyOf: clientKeyHasher('secret'),
        today: '2025-11-20',
        knownSpecialists: new Set(['AB']),
      });
      assert.equal(result.records.length, 300, file.name);
      const output = JSON.stringify(result);
      for (const secret of [canary, 'CANARYID', dateOfBirth, '23/07/1961']) {
        assert.ok(
          !output.includes(secret),
          `${file.name}: '${secret}' appears in the ingest result`,
        );
      }
    }
  });

  test('a wrong date of birth or client ID is reported without its value', () => {
    const sheet = generateReferralRows({ rows: 2, seed: 3, today: '2025-11-20' });
    const rows = [...sheet.rows];
    const dateOfBirth = COLUMNS.findIndex((column) => column.key === 'dateOfBirth');
    const first = rows[0];
    assert.ok(first);
    first[dateOfBirth] = 'CANARY-not-a-date';
    const result = ingestFiles(
      [
        {
          name: 'x.csv',
          bytes: new TextEncoder().encode(writeCsv(sheet.headings, [...rows, rows[1] ?? []])),
        },
      ],
      {
        clientKeyOf: clientKeyHasher('secret'),
        today: '2025-11-20',
      },
    );
    assert.deepEqual(
      result.problems
        .filter((found) => found.severity === 'error')
        .map((found) => [found.code, found.value]),
      [
        ['invalidDate', null],
        ['duplicateKey', null],
      ],
    );
    assert.ok(!JSON.stringify(result).includes('CANARY'));
  });

  test('the client key is a keyed hash: stable for a secret, different across secrets', () => {
    const hash = clientKeyHasher('secret-one');
    assert.equal(hash('C000149'), hash(' C000149 '));
    assert.match(hash('C000149'), /^[0-9a-f]{64}$/);
    assert.notEqual(hash('C000149'), clientKeyHasher('secret-two')('C000149'));
  });
});
