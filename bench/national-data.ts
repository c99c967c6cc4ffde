import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createAccount } from '../src/accounts/accounts.ts';
import { hashPassword } from '../src/accounts/passwords.ts';
import { assignRole, type RoleAssignmentRequest } from '../src/accounts/role-assignments.ts';
import { addDays, type IsoDate } from '../src/calendar/calendar-date.ts';
import type { Database } from '../src/database/database.ts';
import { applyMigrations } from '../src/database/migrations.ts';
import { readMigrations } from '../src/database/open-database.ts';
import { openPgliteDatabase } from '../src/database/pglite-database.ts';
import {
  acceptDataSharing,
  acceptTerms,
  currentAgreementVersion,
} from '../src/governance/agreements.ts';
import type { ReferralRecord } from '../src/referrals/referral-record.ts';
import { addQuarters, quarterId, quarterOf } from '../src/returns/quarters.ts';
import { AUTO_FIGURES, checkReturn, type ReturnForm } from '../src/returns/return-content.ts';
import { saveDraft, submitReturn } from '../src/returns/return-store.ts';
import { generateReferralRecords } from '../src/synthetic/referral-records.ts';
import { randomSource } from '../src/synthetic/referral-rows.ts';
import { compareWithStored } from '../src/uploads/compare-upload.ts';
import { recordsToSaveOf, saveUpload, takeTeamData } from '../src/uploads/upload-store.ts';
import { openScratchSchema } from '../test/support/test-databases.ts';

/**
 * A national database for the benchmarks: about 500 services and 2 000 teams across England's
 * ICSs, and the records asked for shared between the teams (some teams twice the size of
 * others), generated as uploads of ten years of a team's spreadsheet and stored through the
 * upload path itself. Also an account per role measured and a submitted quarterly return for
 * every service and ICS.
 */

export const SERVICES = 500;
export const TEAMS_PER_SERVICE = 4;
export const BENCH_PASSWORD = 'benchmark password, not secret';
const TEAM_SPECIALISTS = ['AB', 'CD', 'EF', 'GH', 'JK'];

export interface NationalData {
  readonly teams: ReadonlyArray<{ id: number; serviceId: number; icsId: number; regionId: number }>;
  /** Every stored record, by team id, when kept: the raw rows the analytic reference reads. */
  readonly recordsOfTeam: ReadonlyMap<number, readonly ReferralRecord[]>;
  readonly accounts: Readonly<Record<BenchRole, string>>;
  /** The quarter every service has submitted a return for, such as "2026Q3". */
  readonly returnsQuarter: string;
}

export type BenchRole = 'national-lead' | 'regional-lead' | 'service-manager' | 'team-leader';

/** The dashboard each role measured opens: England, and the first team's region, service, team. */
export function dashboardsOf(data: NationalData): Record<BenchRole, string> {
  const first = data.teams[0] ?? { id: 0, serviceId: 0, icsId: 0, regionId: 0 };
  return {
    'national-lead': '/areas/england/dashboard',
    'regional-lead': `/areas/regions/${first.regionId}/dashboard`,
    'service-manager': `/services/${first.serviceId}/dashboard`,
    'team-leader': `/teams/${first.id}/dashboard`,
  };
}

/**
 * The benchmark's own empty database, migrated: PGlite in a temporary folder, or a schema of its
 * own in the PostgreSQL database `DATABASE_URL` names. `close` removes it.
 */
export async function openBenchDatabase(): Promise<{
  database: Database;
  engine: 'PGlite' | 'PostgreSQL';
  close: () => Promise<void>;
}> {
  const databaseUrl = process.env.DATABASE_URL;
  const folder = databaseUrl ? null : mkdtempSync(join(tmpdir(), 'ips-bench-'));
  const database = folder
    ? await openPgliteDatabase(folder)
    : await openScratchSchema(databaseUrl ?? '');
  await applyMigrations(database, readMigrations());
  return {
    database,
    engine: folder ? 'PGlite' : 'PostgreSQL',
    async close() {
      await database.close();
      if (folder) rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Logs with the seconds since the benchmark started. */
export const logProgress = (text: string) =>
  console.log(`[${(performance.now() / 1000).toFixed(0)} s] ${text}`);

export const percentile = (sorted: readonly number[], share: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)] ?? 0;

export async function buildNationalData(
  database: Database,
  options: {
    records: number;
    today: IsoDate;
    progress: (text: string) => void;
    /** Keep every record in memory for the analytic reference (about 1.5 GB a million). */
    keepRecords: boolean;
  },
): Promise<NationalData> {
  const random = randomSource(2026);
  const icss = await database.query<{ id: number; regionId: number }>(
    'SELECT id, region_id AS "regionId" FROM ics ORDER BY id',
  );
  const [account] = await database.query<{ id: number }>(
    "INSERT INTO account (email, name) VALUES ('loader@bench.invalid', 'Loader') RETURNING id",
  );
  const loaderId = account?.id ?? 0;

  const now = new Date(`${options.today}T09:00:00Z`);
  const dataSharing = await currentAgreementVersion(database, 'data-sharing');
  const teams: Array<{ id: number; serviceId: number; icsId: number; regionId: number }> = [];
  for (let serviceNumber = 0; serviceNumber < SERVICES; serviceNumber++) {
    const [service] = await database.query<{ id: number }>(
      'INSERT INTO service (name) VALUES ($1) RETURNING id',
      [`Service ${serviceNumber + 1}`],
    );
    await acceptDataSharing(database, service?.id ?? 0, dataSharing, null, now);
    const home = icss[serviceNumber % icss.length] ?? { id: 0, regionId: 0 };
    for (let teamNumber = 0; teamNumber < TEAMS_PER_SERVICE; teamNumber++) {
      // One service in ten has a team across the border, in the next ICS.
      const ics =
        teamNumber === TEAMS_PER_SERVICE - 1 && serviceNumber % 10 === 0
          ? (icss[(serviceNumber + 1) % icss.length] ?? home)
          : home;
      const [team] = await database.query<{ id: number }>(
        'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
        [service?.id ?? 0, ics.id, `Team ${teamNumber + 1}`],
      );
      teams.push({
        id: team?.id ?? 0,
        serviceId: service?.id ?? 0,
        icsId: ics.id,
        regionId: ics.regionId,
      });
    }
  }

  // Team sizes from half to one and a half times the mean, adding up to the records asked for.
  const weights = teams.map(() => 0.5 + random());
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  let allotted = 0;
  const rowsOfTeam = weights.map((weight, index) => {
    const rows =
      index === weights.length - 1
        ? options.records - allotted
        : Math.round((options.records * weight) / totalWeight);
    allotted += rows;
    return rows;
  });

  const recordsOfTeam = new Map<number, readonly ReferralRecord[]>();
  for (const [index, team] of teams.entries()) {
    const records = generateReferralRecords({
      rows: rowsOfTeam[index] ?? 0,
      seed: index + 1,
      today: options.today,
      years: 10,
      specialists: TEAM_SPECIALISTS,
      clientIdPrefix: `T${team.id}-`,
    });
    await database.transaction(async (transaction) => {
      await takeTeamData(transaction, team.id, null);
      await saveUpload(transaction, {
        teamId: team.id,
        accountId: loaderId,
        fileNames: ['national-benchmark.csv'],
        ...recordsToSaveOf(compareWithStored(new Map(), records)),
        now,
      });
    });
    if (options.keepRecords) recordsOfTeam.set(team.id, records);
    if ((index + 1) % 200 === 0) options.progress(`${index + 1} of ${teams.length} teams loaded`);
  }

  const first = teams[0] ?? { id: 0, serviceId: 0, icsId: 0, regionId: 0 };
  const place = { teamId: null, serviceId: null, icsId: null, regionId: null };
  const roles: Record<BenchRole, RoleAssignmentRequest> = {
    'national-lead': { role: 'national-lead', ...place },
    'regional-lead': { role: 'regional-lead', ...place, regionId: first.regionId },
    'service-manager': { role: 'service-manager', ...place, serviceId: first.serviceId },
    'team-leader': { role: 'team-leader', ...place, teamId: first.id },
  };
  const accounts = {} as Record<BenchRole, string>;
  for (const [name, request] of Object.entries(roles) as Array<
    [BenchRole, RoleAssignmentRequest]
  >) {
    accounts[name] = `${name}@bench.invalid`;
    await createBenchAccount(database, accounts[name], request);
  }

  const lastQuarter = addQuarters(quarterOf(options.today), -1);
  const returnsQuarter = quarterId(lastQuarter);
  const form: ReturnForm = {
    averageWeeklyHours: '18.5',
    carriedOver: '40',
    specialistsInPost: '3',
    specialistsFunded: '3.5',
    teamLeaders: '1',
    vacancies: '0.5',
    fundingWave: 'wave-2',
    progress: 'Benchmark return.',
  };
  const serviceIcs = new Set(teams.map((team) => `${team.serviceId}:${team.icsId}`));
  for (const pair of serviceIcs) {
    const [serviceId, icsId] = pair.split(':').map(Number) as [number, number];
    // Figures as a service might type them: employed at referral among the referrals.
    const referrals = 20 + Math.floor(random() * 60);
    const figures = Object.fromEntries(
      AUTO_FIGURES.map(({ id }) => [`figure-${id}`, String(Math.floor(random() * 60))]),
    );
    figures['figure-referrals'] = String(referrals);
    figures['figure-referralsEmployed'] = String(Math.floor(referrals * random() * 0.2));
    // First jobs within the people into work, and they within the job starts.
    const jobStarts = Number(figures['figure-jobStarts']);
    const supportedIntoWork = Math.floor(jobStarts * random());
    figures['figure-supportedIntoWork'] = String(supportedIntoWork);
    figures['figure-firstJobStarts'] = String(Math.floor(supportedIntoWork * random()));
    const checked = checkReturn({ ...form, ...figures }, null, lastQuarter);
    if (!checked.ok)
      throw new Error(`benchmark return refused: ${JSON.stringify(checked.problems)}`);
    const key = { serviceId, icsId, quarter: returnsQuarter };
    await saveDraft(database, key, { ...form, ...figures }, loaderId, now);
    await submitReturn(database, key, checked.content, loaderId, addDaysToDate(now, 1));
  }
  return { teams, recordsOfTeam, accounts, returnsQuarter };
}

/** An account with the benchmark password, one role, and the terms accepted. */
export async function createBenchAccount(
  database: Database,
  email: string,
  request: RoleAssignmentRequest,
): Promise<void> {
  const accountId = await createAccount(database, {
    email,
    name: email.split('@')[0] ?? email,
    passwordHash: await hashPassword(BENCH_PASSWORD),
  });
  await assignRole(database, accountId, request);
  await acceptTerms(database, accountId, await currentAgreementVersion(database, 'end-user'));
}

function addDaysToDate(date: Date, days: number): Date {
  return new Date(`${addDays(date.toISOString().slice(0, 10) as IsoDate, days)}T09:00:00Z`);
}
