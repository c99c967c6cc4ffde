import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAccount } from '../accounts/accounts.ts';
import { createApiToken } from '../accounts/api-tokens.ts';
import { hashPassword } from '../accounts/passwords.ts';
import { assignRole } from '../accounts/role-assignments.ts';
import { addMonths, financialYearStart, type IsoDate } from '../calendar/calendar-date.ts';
import type { Database } from '../database/database.ts';
import type { ReviewType } from '../fidelity/fidelity-scale.ts';
import { recordFidelityReview } from '../fidelity/fidelity-store.ts';
import { acceptDataSharing } from '../governance/agreements.ts';
import { ingestFiles } from '../ingest/ingest.ts';
import { TARGET_MEASURES, type TargetMeasure } from '../metrics/targets.ts';
import { ensureSpecialists } from '../organisations/organisations.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { writeCsv } from '../spreadsheet/csv/csv-writer.ts';
import { ReferralSourceList } from '../spreadsheet/referral-sources.ts';
import { generateReferralRows, SYNTHETIC_REFERRAL_SOURCES } from '../synthetic/referral-rows.ts';
import { setTarget, setTeamSize } from '../targets/target-store.ts';
import { compareWithStored } from '../uploads/compare-upload.ts';
import { recordsToSaveOf, saveUpload } from '../uploads/upload-store.ts';

/**
 * The demo: one region path (one ICS, two services, four teams with data and named specialists,
 * and an empty "Practice team" for trying uploads), and one account per role. Each team's
 * generated spreadsheet goes through the core engine and is saved as its first upload; teams
 * have this year's targets, and Riverside two fidelity reviews.
 */

export const DEMO_ROLES = [
  'team-leader',
  'service-manager',
  'commissioner',
  'ics-lead',
  'regional-lead',
  'national-lead',
  'administrator',
] as const;
export type DemoRole = (typeof DEMO_ROLES)[number];

export const demoEmail = (role: DemoRole) => `${role}@demo.ips-reporting.invalid`;

const DEMO_TEAMS = [
  {
    service: 'Riverside IPS Service',
    team: 'Riverside North',
    specialists: { AB: 'Asha Begum', CD: 'Chris Davies', EF: 'Eve Fraser' },
  },
  {
    service: 'Riverside IPS Service',
    team: 'Riverside South',
    specialists: { GH: 'Gary Hughes', JK: 'Jo Kaur', LM: 'Lee Morris' },
  },
  {
    service: 'Hillside IPS Service',
    team: 'Hillside East',
    specialists: { NP: 'Nia Patel', QR: 'Quinn Roberts' },
  },
  {
    service: 'Hillside IPS Service',
    team: 'Hillside West',
    specialists: { ST: 'Sam Taylor', UV: 'Uma Vince', WX: 'Will Xu' },
  },
] as const;

export interface DemoResult {
  readonly teams: ReadonlyArray<{ id: number; name: string; records: number; file: string }>;
  readonly apiTokens: ReadonlyMap<DemoRole, string>;
}

export async function seedDemo(
  database: Database,
  options: {
    password: string;
    today: IsoDate;
    pseudonymisationSecret: string;
    spreadsheetFolder: string;
    withApiTokens: boolean;
  },
): Promise<DemoResult> {
  const [ics] = await database.query<{ id: number; regionId: number }>(
    `SELECT i.id, i.region_id AS "regionId" FROM ics i ORDER BY i.id LIMIT 1`,
  );
  if (ics === undefined) throw new Error('The ICS list is missing: migrations have not run');
  const serviceIds = new Map<string, number>();
  const serviceId = async (name: string) => {
    const known = serviceIds.get(name);
    if (known !== undefined) return known;
    const [row] = await database.query<{ id: number }>(
      'INSERT INTO service (name) VALUES ($1) RETURNING id',
      [name],
    );
    serviceIds.set(name, row?.id ?? 0);
    // The referral sources its generated spreadsheets use, as its manager would list them.
    for (const [position, source] of SYNTHETIC_REFERRAL_SOURCES.entries()) {
      await database.query(
        'INSERT INTO service_referral_source (service_id, position, name, category) VALUES ($1, $2, $3, $4)',
        [row?.id ?? 0, position, source.name, source.category],
      );
    }
    return row?.id ?? 0;
  };
  const createTeam = async (service: string, name: string) => {
    const [row] = await database.query<{ id: number }>(
      'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
      [await serviceId(service), ics.id, name],
    );
    return row?.id ?? 0;
  };

  mkdirSync(options.spreadsheetFolder, { recursive: true });
  const uploadsToSave: Array<{ teamId: number; fileName: string; records: ReferralRecord[] }> = [];
  const teams: Array<{ id: number; name: string; records: number; file: string }> = [];
  for (const [index, demo] of DEMO_TEAMS.entries()) {
    const teamId = await createTeam(demo.service, demo.team);
    const initials = Object.keys(demo.specialists);
    const generated = generateReferralRows({
      rows: 240,
      seed: 1000 + index,
      today: options.today,
      specialists: initials,
    });
    const csv = writeCsv(generated.headings, generated.rows);
    // Through the core engine, as an upload would go: validated and pseudonymised.
    const ingested = ingestFiles(
      [{ name: `${demo.team}.csv`, bytes: new TextEncoder().encode(csv) }],
      {
        clientKeyOf: clientKeyHasher(options.pseudonymisationSecret),
        today: options.today,
        referralSources: new ReferralSourceList(SYNTHETIC_REFERRAL_SOURCES),
      },
    );
    if (ingested.hasErrors) throw new Error(`The generated data for ${demo.team} did not validate`);
    // Saved as an upload would be (by the team leader, once that account exists below).
    uploadsToSave.push({
      teamId,
      fileName: `${demo.team}.csv`,
      records: ingested.records.map(({ record }) => record),
    });
    await ensureSpecialists(database, teamId, ingested.specialists);
    for (const [each, displayName] of Object.entries(demo.specialists)) {
      await database.query(
        'UPDATE specialist SET display_name = $3 WHERE team_id = $1 AND initials = $2',
        [teamId, each, displayName],
      );
    }
    const file = join(
      options.spreadsheetFolder,
      `${demo.team.replaceAll(' ', '-').toLowerCase()}.csv`,
    );
    writeFileSync(file, csv);
    teams.push({ id: teamId, name: demo.team, records: ingested.records.length, file });
  }
  const practiceTeamId = await createTeam('Riverside IPS Service', 'Practice team');
  const riverside = await serviceId('Riverside IPS Service');

  const passwordHash = await hashPassword(options.password);
  const apiTokens = new Map<DemoRole, string>();
  const firstTeamId = teams[0]?.id ?? 0;
  const scopes: Record<DemoRole, Array<Parameters<typeof assignRole>[2]>> = {
    'team-leader': [
      { role: 'team-leader', teamId: firstTeamId, serviceId: null, icsId: null, regionId: null },
      { role: 'team-leader', teamId: practiceTeamId, serviceId: null, icsId: null, regionId: null },
    ],
    'service-manager': [
      {
        role: 'service-manager',
        teamId: null,
        serviceId: riverside,
        icsId: null,
        regionId: null,
        dataGovernanceLead: 'yes',
      },
    ],
    commissioner: [
      { role: 'commissioner', teamId: null, serviceId: riverside, icsId: null, regionId: null },
    ],
    'ics-lead': [
      { role: 'ics-lead', teamId: null, serviceId: null, icsId: ics.id, regionId: null },
    ],
    'regional-lead': [
      { role: 'regional-lead', teamId: null, serviceId: null, icsId: null, regionId: ics.regionId },
    ],
    'national-lead': [
      { role: 'national-lead', teamId: null, serviceId: null, icsId: null, regionId: null },
    ],
    administrator: [
      { role: 'administrator', teamId: null, serviceId: null, icsId: null, regionId: null },
    ],
  };
  const accountIds = new Map<DemoRole, number>();
  for (const demoRole of DEMO_ROLES) {
    const name = `Demo ${demoRole.replace('-', ' ')}`;
    const accountId = await createAccount(database, {
      email: demoEmail(demoRole),
      name,
      passwordHash,
    });
    accountIds.set(demoRole, accountId);
    for (const scope of scopes[demoRole]) await assignRole(database, accountId, scope);
    if (options.withApiTokens) {
      apiTokens.set(demoRole, await createApiToken(database, accountId, 'Demo token', new Date()));
    }
  }
  for (const upload of uploadsToSave) {
    await saveUpload(database, {
      teamId: upload.teamId,
      accountId: accountIds.get('team-leader') ?? 0,
      fileNames: [upload.fileName],
      ...recordsToSaveOf(compareWithStored(new Map(), upload.records)),
      now: new Date(),
    });
  }
  await seedTargetsAndReviews(database, {
    teamIds: teams.map((team) => team.id),
    riverside,
    leaderId: accountIds.get('team-leader') ?? 0,
    managerId: accountIds.get('service-manager') ?? 0,
    today: options.today,
  });
  // Both services' data governance leads have accepted, so every demo account can look around.
  for (const id of serviceIds.values()) {
    await acceptDataSharing(database, id, 1, accountIds.get('service-manager') ?? null, new Date());
  }
  return { teams, apiTokens };
}

/**
 * This financial year's size and targets for each team with data (the IPS Grow figures for 2 WTE
 * in a second year), and two fidelity reviews of Riverside; Hillside has none, so shows overdue.
 */
async function seedTargetsAndReviews(
  database: Database,
  demo: {
    teamIds: readonly number[];
    riverside: number;
    leaderId: number;
    managerId: number;
    today: IsoDate;
  },
) {
  const year = Number(financialYearStart(demo.today).slice(0, 4));
  const targets: Record<TargetMeasure, number> = {
    referrals: 120,
    vpStarts: 90,
    jobStarts: 44,
    supportedIntoWork: 38,
    firstJobStarts: 30,
    sustained13: 26,
    sustained26: 16,
  };
  const at = new Date();
  await database.transaction(async (transaction) => {
    for (const teamId of demo.teamIds) {
      const by = { accountId: demo.leaderId, at };
      await setTeamSize(transaction, { teamId, year, specialistsWte: 2, ...by });
      for (const measure of TARGET_MEASURES) {
        const scope = { type: 'team', id: teamId } as const;
        await setTarget(transaction, { scope, year, measure, target: targets[measure], ...by });
      }
    }
  });
  const review = (reviewDate: IsoDate, reviewType: ReviewType, score: (item: number) => number) =>
    recordFidelityReview(
      database,
      {
        serviceId: demo.riverside,
        reviewDate,
        reviewType,
        reviewerOrganisation: reviewType === 'independent' ? 'IPS Grow' : 'Riverside IPS Service',
        itemScores: Array.from({ length: 25 }, (_, item) => score(item)),
        actionPlan: 'Weekly job development time for every employment specialist.',
      },
      demo.managerId,
      at,
    );
  await review(addMonths(demo.today, -18), 'independent', (item) => (item < 10 ? 4 : 3));
  await review(addMonths(demo.today, -6), 'self-assessment', (item) => (item < 18 ? 4 : 5));
}
