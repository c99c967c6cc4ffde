import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runIpsReport } from './support/cli-harness.ts';

const here = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const specification = (name: string) =>
  fileURLToPath(new URL(`../../shared/fixtures/${name}`, import.meta.url));

interface Expected {
  today: string;
  results: Array<{ period: { from: string; to: string; asAt: string } } & Record<string, unknown>>;
}
const expected: Expected = JSON.parse(readFileSync(here('expected.json'), 'utf8'));

/** Deep equality with numbers compared to 1e-9 (fixtures/README.md: shares are exact fractions). */
function assertFiguresEqual(actual: unknown, wanted: unknown, path: string): void {
  if (typeof wanted === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - wanted) <= 1e-9, `${path}: got ${actual}, expected ${wanted}`);
    return;
  }
  if (wanted !== null && typeof wanted === 'object') {
    assert.ok(
      actual !== null && typeof actual === 'object',
      `${path}: got ${JSON.stringify(actual)}`,
    );
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(wanted).sort(), `${path}: keys`);
    for (const [key, value] of Object.entries(wanted)) {
      assertFiguresEqual((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
    return;
  }
  assert.equal(actual, wanted, path);
}

describe('the shared fixtures give the expected figures through ips-report metrics --json', () => {
  for (const file of ['example-team.csv', 'example-team.xlsx']) {
    for (const result of expected.results) {
      const { from, to } = result.period;
      test(`${file}, ${from} to ${to}`, () => {
        const run = runIpsReport([
          'metrics',
          here(file),
          '--from',
          from,
          '--to',
          to,
          '--today',
          expected.today,
          '--json',
        ]);
        assert.equal(run.stderr, '');
        assert.equal(run.exitCode, 0);
        assertFiguresEqual(JSON.parse(run.stdout), result, 'metrics');
      });
    }
  }

  test('the JSON keys are exactly those of METRICS.md, in its order', () => {
    const [first] = expected.results;
    assert.ok(first);
    const run = runIpsReport([
      'metrics',
      here('example-team.csv'),
      '--from',
      first.period.from,
      '--to',
      first.period.to,
      '--json',
    ]);
    assert.deepEqual(Object.keys(JSON.parse(run.stdout)), Object.keys(first));
  });

  test('the CSV and the workbook validate with no errors and the same warnings', () => {
    const csv = JSON.parse(runIpsReport(['validate', here('example-team.csv'), '--json']).stdout);
    const xlsx = JSON.parse(runIpsReport(['validate', here('example-team.xlsx'), '--json']).stdout);
    assert.equal(csv.valid, true);
    assert.equal(xlsx.valid, true);
    assert.equal(csv.records, 400);
    assert.equal(xlsx.records, 400);
    const summary = (warnings: Array<{ code: string; row: number; column: string }>) =>
      warnings.map(({ code, row, column }) => `${row} ${column} ${code}`);
    assert.deepEqual(summary(xlsx.warnings), summary(csv.warnings));
    assert.ok(
      csv.warnings.some((warning: { code: string }) => warning.code === 'dateBeforeReferral'),
    );
  });
});

test("referral sources are not checked without a service's list, and the output says so once", () => {
  const json = JSON.parse(runIpsReport(['validate', here('example-team.csv'), '--json']).stdout);
  assert.deepEqual(
    json.warnings.filter((warning: { code: string }) => warning.code === 'referralSourceNotListed'),
    [],
  );
  const text = runIpsReport(['validate', here('example-team.csv')]);
  assert.equal(text.exitCode, 0);
  assert.equal(text.stdout.split('Referral sources are not checked here').length - 1, 1);
  assert.doesNotMatch(text.stdout, /not one of the service's referral sources/);
});

test('the copies in test/fixtures match the specification, when it is beside the repository', {
  skip: !existsSync(specification('expected.json')) && 'shared/ is not beside the repository',
}, () => {
  for (const name of ['example-team.csv', 'example-team.xlsx', 'expected.json']) {
    assert.ok(readFileSync(here(name)).equals(readFileSync(specification(name))), name);
  }
});
