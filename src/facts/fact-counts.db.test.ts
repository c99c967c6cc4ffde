import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { countsOnly, withoutSpecialists } from '../../test/support/counts-only.ts';
import { testDatabases } from '../../test/support/test-databases.ts';
import { addDays, type IsoDate } from '../calendar/calendar-date.ts';
import { type DashboardScope, dashboardFigures } from '../dashboards/dashboard.ts';
import { derivedRecords, type GroupLevel } from '../dashboards/scope-records.ts';
import type { Database } from '../database/database.ts';
import { applyMigrations } from '../database/migrations.ts';
import { migrate, readMigrations } from '../database/open-database.ts';
import {
  breakdownBy,
  breakdownByTime,
  groupByRecordField,
  RECORD_DIMENSIONS,
} from '../metrics/breakdowns.ts';
import { computeMetrics, type MetricsQuery, type MetricsResult } from '../metrics/compute.ts';
import type { DerivedRecord } from '../metrics/derive.ts';
import { EVENT_KINDS } from '../metrics/fact-events.ts';
import type { ReferralRecord } from '../referrals/referral-record.ts';
import { generateReferralRecords } from '../synthetic/referral-records.ts';
import { compareWithStored } from '../uploads/compare-upload.ts';
import {
  recordsToSaveOf,
  removeRecord,
  rollBackTo,
  saveUpload,
  storedRecords,
  takeTeamData,
} from '../uploads/upload-store.ts';
import { factsDerivedHere } from './fact-store.ts';

/**
 * Every dashboard figure counted by the database from the stored facts (src/facts/fact-counts.ts)
 * against the engine's direct computation over every record, for arbitrary periods, as-at dates,
 * filters and splits, at every level, before and after uploads, a removal and a roll-back, and for
 * records saved before facts existed.
 */

const TODAY: IsoDate = '2026-06-01';
const FIRST_DAY: IsoDate = '2021-01-01';
const TEAMS = 5;
const SERVICE_OF_TEAM_INDEX = [0, 0, 1, 1, 2];

const dayOffset = fc.integer({ min: 0, max: 2000 });
const arbitraryQuery = fc
  .record({
    from: dayOffset,
    length: fc.integer({ min: 0, max: 500 }),
    today: fc.integer({ min: -400, max: 400 }),
    employmentStatus: fc.constantFrom('all', 'out-of-work', 'in-work') as fc.Arbitrary<
      MetricsQuery['employmentStatus']
    >,
  })
  .map(
    ({ from, length, today, employmentStatus }): MetricsQuery => ({
      from: addDays(FIRST_DAY, from),
      to: addDays(FIRST_DAY, from + length),
      today: addDays(TODAY, today),
      employmentStatus,
    }),
  );

for (const testDatabase of testDatabases()) {
  describe(`the facts' counts against the engine (${testDatabase.driver})`, () => {
    let database: Database;
    const teamIds: number[] = [];
    const serviceOf = new Map<number, number>();
    let accountId = 0;

    async function upload(teamId: number, records: readonly ReferralRecord[]) {
      await database.transaction(async (transaction) => {
        await takeTeamData(transaction, teamId, null);
        await saveUpload(transaction, {
          teamId,
          accountId,
          fileNames: ['generated.csv'],
          ...recordsToSaveOf(compareWithStored(await storedRecords(transaction, teamId), records)),
          now: new Date('2026-06-01T10:00:00Z'),
        });
      });
    }

    before(async () => {
      database = await testDatabase.open();
      await applyMigrations(database, readMigrations());
      const [account] = await database.query<{ id: number }>(
        "INSERT INTO account (email, name) VALUES ('tl@nhs.net', 'TL') RETURNING id",
      );
      accountId = account?.id ?? 0;
      const icss = await database.query<{ id: number }>('SELECT id FROM ics ORDER BY id LIMIT 3');
      const services: number[] = [];
      for (const name of ['North', 'South', 'West']) {
        const [service] = await database.query<{ id: number }>(
          'INSERT INTO service (name) VALUES ($1) RETURNING id',
          [name],
        );
        services.push(service?.id ?? 0);
      }
      for (let index = 0; index < TEAMS; index++) {
        const serviceId = services[SERVICE_OF_TEAM_INDEX[index] ?? 0] ?? 0;
        const [team] = await database.query<{ id: number }>(
          'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
          [serviceId, icss[index % icss.length]?.id ?? 0, `Team ${index}`],
        );
        const teamId = team?.id ?? 0;
        teamIds.push(teamId);
        serviceOf.set(teamId, serviceId);
        await upload(
          teamId,
          generateReferralRecords({ rows: 120, seed: 40 + index, today: TODAY, years: 5 }),
        );
      }
    });
    after(() => database.close());

    const eachCounted = (figures: ReadonlyMap<string, MetricsResult>) =>
      new Map([...figures].map(([group, metrics]) => [group, countsOnly(metrics)]));

    /** The engine straight over every record the database holds for the scope. */
    async function engineFigures(scope: DashboardScope, query: MetricsQuery) {
      const byTeam = [];
      for (const teamId of scope.teamIds) {
        byTeam.push({ teamId, derived: await derivedRecords(database, [teamId]) });
      }
      const chosen = byTeam.map(({ teamId, derived }) => ({
        teamId,
        derived: derived.filter(
          (derived) => !scope.specialist || derived.record.specialist === scope.specialist,
        ),
      }));
      const all = chosen.flatMap(({ derived }) => derived);
      const groupOf = new Map<DerivedRecord, string>(
        chosen.flatMap(({ teamId, derived }) =>
          derived.map((record) => [record, scope.groupOfTeam(teamId)] as const),
        ),
      );
      const groups =
        scope.level === null
          ? new Map()
          : breakdownBy(
              all,
              query,
              scope.level === 'specialist'
                ? groupByRecordField('specialist')
                : (derived) => groupOf.get(derived) ?? '',
            );
      const total = computeMetrics(all, query);
      return {
        total: scope.level === 'specialist' ? total : withoutSpecialists(total),
        groups: [
          ...scope.allGroups,
          ...[...groups.keys()].filter((group) => !scope.allGroups.includes(group)),
        ].map((group) => ({
          group,
          metrics: countsOnly(groups.get(group) ?? computeMetrics([], query)),
        })),
        months: breakdownByTime(all, query, 'month').map((month) => ({
          ...month,
          metrics: countsOnly(month.metrics),
        })),
        byDimension: new Map(
          scope.dimensions.map((dimension) => [
            dimension,
            eachCounted(breakdownBy(all, query, groupByRecordField(dimension))),
          ]),
        ),
        specialistsHoldingCaseload: chosen.reduce(
          (sum, { derived }) =>
            sum + Object.keys(computeMetrics(derived, query).caseloadPerSpecialist).length,
          0,
        ),
      };
    }

    function scopeAt(level: GroupLevel | null, teams: readonly number[], specialist?: string) {
      const groupOfTeam =
        level === 'service' ? (teamId: number) => String(serviceOf.get(teamId)) : String;
      return {
        teamIds: teams,
        level,
        groupOfTeam,
        allGroups:
          level === 'service' || level === 'team' ? [...new Set(teams.map(groupOfTeam))] : [],
        ...(specialist ? { specialist } : {}),
        dimensions: RECORD_DIMENSIONS,
      } satisfies DashboardScope;
    }

    /** A scope at each level: a service's teams, two teams, one team's specialists, one specialist. */
    const everyLevel = () => [
      scopeAt('service', teamIds),
      scopeAt('team', teamIds.slice(0, 2)),
      scopeAt('specialist', [teamIds[2] ?? 0]),
      scopeAt(null, [teamIds[3] ?? 0], 'AB'),
    ];

    async function assertSameFigures(scope: DashboardScope, query: MetricsQuery) {
      const fast = await dashboardFigures(database, scope, query);
      const engine = await engineFigures(scope, query);
      assert.deepEqual(fast.total, engine.total, 'total');
      assert.deepEqual(
        [...fast.groups].sort((a, b) => a.group.localeCompare(b.group)),
        [...engine.groups].sort((a, b) => a.group.localeCompare(b.group)),
        'groups',
      );
      assert.deepEqual(fast.months, engine.months, 'months');
      assert.deepEqual(fast.byDimension, engine.byDimension, 'by field of the record');
      assert.equal(fast.specialistsHoldingCaseload, engine.specialistsHoldingCaseload);
    }

    it("the facts' SQL gives every figure the engine gives, at every level, for any period", async () => {
      const scopes = everyLevel();
      await fc.assert(
        fc.asyncProperty(arbitraryQuery, fc.constantFrom(...scopes), (query, scope) =>
          assertSameFigures(scope, query),
        ),
        { numRuns: 30, seed: 8 },
      );
    });

    it("the facts' SQL gives the new figures at once after an upload, a removal and a roll-back", async () => {
      const scope = scopeAt('service', teamIds);
      const query: MetricsQuery = {
        from: '2025-04-01',
        to: '2026-03-31',
        today: TODAY,
        employmentStatus: 'all',
      };
      const changed = teamIds[1] ?? 0;
      // Changed records (the same clients and dates, other values) and new ones.
      const stored = [...(await storedRecords(database, changed)).values()];
      await upload(changed, [
        ...stored.slice(0, 60).map(
          (record, index): ReferralRecord =>
            index % 2 === 0
              ? // A job taken away, the discharge undone: its old job facts must go.
                { ...record, jobs: record.jobs.slice(1), dischargeDate: null }
              : {
                  ...record,
                  jobs: [
                    ...record.jobs,
                    {
                      startDate: addDays(record.referralDate, 30),
                      endDate: null,
                      hoursPerWeek: 20,
                      sector: null,
                      occupation: null,
                      preferenceMet: null,
                    },
                  ],
                },
        ),
        ...generateReferralRecords({ rows: 90, seed: 99, today: TODAY, years: 2 }),
      ]);
      await assertSameFigures(scope, query);
      await assertSameFigures(scopeAt('specialist', [changed]), query);
      const [overlap] = await database.query<{ changed: number }>(
        'SELECT changed_count AS changed FROM upload WHERE team_id = $1 ORDER BY id DESC LIMIT 1',
        [changed],
      );
      assert.ok((overlap?.changed ?? 0) > 0, 'the second upload changed some records');

      const [someone] = await database.query<{ id: number }>(
        'SELECT r.id FROM referral r JOIN fact_event e ON e.referral_id = r.id WHERE r.team_id = $1 AND e.kind = $2 LIMIT 1',
        [changed, EVENT_KINDS.indexOf('job')],
      );
      await database.transaction(async (transaction) => {
        await takeTeamData(transaction, changed, null);
        assert.ok(
          await removeRecord(transaction, changed, someone?.id ?? 0, accountId, new Date()),
        );
      });
      await assertSameFigures(scope, query);

      // Rolled back to its first upload: its later records leave every figure they were in.
      await database.transaction(async (transaction) => {
        const [first] = await transaction.query<{ id: number }>(
          'SELECT min(id) AS id FROM upload WHERE team_id = $1',
          [changed],
        );
        await takeTeamData(transaction, changed, null);
        await rollBackTo(
          transaction,
          changed,
          first?.id ?? 0,
          accountId,
          new Date(),
          factsDerivedHere,
        );
      });
      await assertSameFigures(scope, query);
      await assertSameFigures(scopeAt('team', teamIds), query);
      const [counts] = await database.query<{ facts: number; records: number }>(
        'SELECT (SELECT count(*) FROM referral_fact) AS facts, (SELECT count(*) FROM referral) AS records',
      );
      assert.equal(counts?.facts, counts?.records, 'one fact row per record, none left behind');
      const [jobs] = await database.query<{ jobs: number }>(
        'SELECT count(*) AS jobs FROM fact_event WHERE kind = $1',
        [EVENT_KINDS.indexOf('job')],
      );
      const countedJobs = (await derivedRecords(database, teamIds)).reduce(
        (sum, derived) => sum + derived.countedJobs.length,
        0,
      );
      assert.equal(jobs?.jobs, countedJobs, "a changed record's old jobs are gone");
    });

    it('derives the facts of records saved before there were facts, once', async () => {
      const scope = scopeAt('team', teamIds);
      const query: MetricsQuery = {
        from: '2023-05-03',
        to: '2026-02-11',
        today: TODAY,
        employmentStatus: 'out-of-work',
      };
      // As a database migrated to 0016 holds them: records, no facts, the teams marked.
      await database.query('DELETE FROM referral_fact');
      await database.query('UPDATE team SET facts_missing = true WHERE record_count > 0');
      await migrate(database);
      const [left] = await database.query<{ teams: number }>(
        'SELECT count(*) AS teams FROM team WHERE facts_missing',
      );
      assert.equal(left?.teams, 0);
      await assertSameFigures(scope, query);
    });
  });
}
