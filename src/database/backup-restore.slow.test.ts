import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { createAccount } from '../accounts/accounts.ts';
import { derivedRecords } from '../dashboards/scope-records.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { computeMetrics } from '../metrics/compute.ts';
import { writeCsv } from '../spreadsheet/csv/csv-writer.ts';
import { generateReferralRows } from '../synthetic/referral-rows.ts';
import { compareWithStored } from '../uploads/compare-upload.ts';
import { recordsToSaveOf, saveUpload } from '../uploads/upload-store.ts';
import type { Database } from './database.ts';
import { openDatabase } from './open-database.ts';

/**
 * The README's backup and restore commands, run: a copy of PGlite's folder taken while stopped,
 * and pg_dump / pg_restore for PostgreSQL, each restored and giving the same figures.
 */

const QUERY = {
  from: '2025-04-01',
  to: '2026-03-31',
  today: '2026-06-01',
  employmentStatus: 'all',
} as const;

/** A service, a team and 300 generated records saved as an upload; returns the team. */
async function seedTeam(database: Database): Promise<number> {
  const [ics] = await database.query<{ id: number }>('SELECT id FROM ics ORDER BY id LIMIT 1');
  const [service] = await database.query<{ id: number }>(
    "INSERT INTO service (name) VALUES ('Backup IPS') RETURNING id",
  );
  const [team] = await database.query<{ id: number }>(
    "INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, 'Backup team') RETURNING id",
    [service?.id ?? 0, ics?.id ?? 0],
  );
  const accountId = await createAccount(database, {
    email: 'backup@nhs.net',
    name: 'Backup',
    passwordHash: 'not used',
  });
  const generated = generateReferralRows({ rows: 300, seed: 21, today: '2026-05-31' });
  const ingested = ingestFiles(
    [
      {
        name: 'team.csv',
        bytes: new TextEncoder().encode(writeCsv(generated.headings, generated.rows)),
      },
    ],
    { clientKeyOf: (id) => `key-${id}`, today: '2026-06-01' },
  );
  await database.transaction((transaction) =>
    saveUpload(transaction, {
      teamId: team?.id ?? 0,
      accountId,
      fileNames: ['team.csv'],
      ...recordsToSaveOf(
        compareWithStored(
          new Map(),
          ingested.records.map(({ record }) => record),
        ),
      ),
      now: new Date(),
    }),
  );
  return team?.id ?? 0;
}

async function figures(database: Database, teamId: number) {
  return computeMetrics(await derivedRecords(database, [teamId]), QUERY);
}

describe('backup and restore', () => {
  const folders: string[] = [];
  after(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });

  test('PGlite: a copy of the data folder taken while stopped opens with the same figures', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ips-backup-'));
    folders.push(folder);
    const original = await openDatabase({ databaseUrl: null, dataDirectory: join(folder, 'data') });
    const teamId = await seedTeam(original);
    const before = await figures(original, teamId);
    await original.close();
    cpSync(join(folder, 'data'), join(folder, 'copy'), { recursive: true });
    const restored = await openDatabase({ databaseUrl: null, dataDirectory: join(folder, 'copy') });
    assert.deepEqual(await figures(restored, teamId), before);
    assert.ok(before.referrals > 0);
    await restored.close();
  });

  const serverUrl = process.env.DATABASE_URL;
  const tools = existsSync('/usr/bin/pg_dump') && existsSync('/usr/bin/pg_restore');
  test('PostgreSQL: pg_dump, then pg_restore into an empty database, gives the same figures', {
    skip: (!serverUrl || !tools) && 'needs DATABASE_URL and pg_dump / pg_restore',
  }, async () => {
    const url = (name: string) => {
      const address = new URL(serverUrl ?? '');
      address.pathname = `/${name}`;
      return address.toString();
    };
    const suffix = randomBytes(4).toString('hex');
    const names = [`ips_backup_${suffix}`, `ips_restore_${suffix}`];
    const admin = new pg.Client({ connectionString: url('postgres') });
    await admin.connect();
    try {
      for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
      const original = await openDatabase({
        databaseUrl: url(names[0] ?? ''),
        dataDirectory: null,
      });
      const teamId = await seedTeam(original);
      const before = await figures(original, teamId);
      await original.close();
      const folder = mkdtempSync(join(tmpdir(), 'ips-dump-'));
      folders.push(folder);
      const dump = join(folder, 'ips.dump');
      execFileSync('pg_dump', ['--format=custom', `--file=${dump}`, url(names[0] ?? '')]);
      execFileSync('pg_restore', ['--no-owner', `--dbname=${url(names[1] ?? '')}`, dump]);
      const restored = await openDatabase({
        databaseUrl: url(names[1] ?? ''),
        dataDirectory: null,
      });
      assert.deepEqual(await figures(restored, teamId), before);
      await restored.close();
    } finally {
      for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
