import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { ingestFiles } from '../src/ingest/ingest.ts';
import { clientKeyHasher } from '../src/referrals/pseudonymise.ts';
import { runIpsReport } from './cli-harness.ts';

/**
 * DESIGN.md privacy rules: names, contact details, NI number, referrer, employer, job role,
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

  test('the client key is a keyed hash: stable for a secret, different across secrets', () => {
    const hash = clientKeyHasher('secret-one');
    assert.equal(hash('C000149'), hash(' C000149 '));
    assert.match(hash('C000149'), /^[0-9a-f]{64}$/);
    assert.notEqual(hash('C000149'), clientKeyHasher('secret-two')('C000149'));
  });
});
