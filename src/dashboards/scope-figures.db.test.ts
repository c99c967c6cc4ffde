import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { countsOnly, withoutSpecialists } from '../../test/support/counts-only.ts';
import { testDatabases } from '../../test/support/test-databases.ts';
import type { Database } from '../database/database.ts';
import { applyMigrations } from '../database/migrations.ts';
import { readMigrations } from '../database/open-database.ts';
import { computeMetrics, type MetricsQuery } from '../metrics/compute.ts';
import { TARGET_MEASURES } from '../metrics/targets.ts';
import { generateReferralRecords } from '../synthetic/referral-records.ts';
import { compareWithStored } from '../uploads/compare-upload.ts';
import {
  recordsToSaveOf,
  saveUpload,
  storedRecords,
  takeTeamData,
} from '../uploads/upload-store.ts';
import {
  type FigureFilters,
  type FigureScope,
  freshnessCutOff,
  scopeFigures,
} from './scope-figures.ts';
import { derivedRecords } from './scope-records.ts';

/** Figures for a scope and view, on two generated teams of one service, against the engine. */

const NOW = new Date('2026-06-01T10:00:00Z');
const YEAR: FigureFilters = {
  view: 'overview',
  period: 'last-financial-year',
  employmentStatus: 'all',
};
const LAST_YEAR: MetricsQuery = {
  from: '2025-04-01',
  to: '2026-03-31',
  today: '2026-06-01',
  employmentStatus: 'all',
};

for (const testDatabase of testDatabases()) {
  describe(`figures for a scope and view (${testDatabase.driver})`, () => {
    let database: Database;
    let context: Parameters<typeof scopeFigures>[0];
    let service: FigureScope;

    before(async () => {
      database = await testDatabase.open();
      await applyMigrations(database, readMigrations());
      const [account] = await database.query<{ id: number }>(
        "INSERT INTO account (email, name) VALUES ('tl@nhs.net', 'TL') RETURNING id",
      );
      const [ics] = await database.query<{ id: number }>('SELECT id FROM ics ORDER BY id LIMIT 1');
      const [row] = await database.query<{ id: number }>(
        "INSERT INTO service (name) VALUES ('North') RETURNING id",
      );
      const teamIds: number[] = [];
      for (const seed of [7, 8]) {
        const [team] = await database.query<{ id: number }>(
          'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
          [row?.id ?? 0, ics?.id ?? 0, `Team ${seed}`],
        );
        const teamId = team?.id ?? 0;
        teamIds.push(teamId);
        const records = generateReferralRecords({ rows: 60, seed, today: '2026-06-01', years: 3 });
        await database.transaction(async (transaction) => {
          await takeTeamData(transaction, teamId, null);
          await saveUpload(transaction, {
            teamId,
            accountId: account?.id ?? 0,
            fileNames: ['generated.csv'],
            ...recordsToSaveOf(
              compareWithStored(await storedRecords(transaction, teamId), records),
            ),
            now: NOW,
          });
        });
      }
      context = { database, clock: () => NOW };
      service = {
        title: 'North',
        teamIds,
        level: 'team',
        area: false,
        groups: teamIds.map(String),
        groupOfTeam: String,
      };
    });
    after(() => database.close());

    it("counts the scope's records for the period chosen, as the engine does", async () => {
      const shown = await scopeFigures(context, service, YEAR, undefined);
      const records = await derivedRecords(database, service.teamIds);
      assert.deepEqual(shown.figures.total, withoutSpecialists(computeMetrics(records, LAST_YEAR)));
      assert.deepEqual(
        shown.figures.groups.map(({ group }) => group),
        service.teamIds.map(String),
      );
      assert.equal(shown.period.from, '2025-04-01');
      assert.equal(shown.periodError, null);
      assert.equal(shown.freshnessCutOff, freshnessCutOff('2026-06-01'));
      // The same days a year earlier, counted by the engine too.
      assert.deepEqual(
        shown.yearEarlier,
        countsOnly(computeMetrics(records, { ...LAST_YEAR, from: '2024-04-01', to: '2025-03-31' })),
      );
      // A whole financial year of every client: its counts are the targets' actuals.
      for (const { measure, actual } of shown.targets?.measures ?? [])
        assert.equal(actual, shown.figures.total[measure], measure);
      assert.equal(shown.targets?.measures.length, TARGET_MEASURES.length);
      const quarter = await scopeFigures(
        context,
        service,
        { ...YEAR, period: 'last-quarter' },
        undefined,
      );
      assert.equal(quarter.targets, undefined, 'a quarter is not a year of targets');
    });

    it("narrows to one specialist's records", async () => {
      const records = await derivedRecords(database, service.teamIds);
      const specialist = records[0]?.record.specialist ?? '';
      const shown = await scopeFigures(context, service, YEAR, {
        text: specialist,
        teamIds: service.teamIds.slice(0, 1),
        specialist,
      });
      const own = (await derivedRecords(database, service.teamIds.slice(0, 1))).filter(
        (derived) => derived.record.specialist === specialist,
      );
      assert.deepEqual(shown.figures.total, withoutSpecialists(computeMetrics(own, LAST_YEAR)));
    });

    it('shows the overview for a view the scope has not, and this year for a wrong period', async () => {
      const shown = await scopeFigures(
        context,
        service,
        { ...YEAR, view: 'benchmarking', period: 'custom', from: '2026-02-30' },
        undefined,
      );
      assert.equal(shown.view, 'overview');
      assert.ok(!shown.views.includes('benchmarking'));
      assert.deepEqual(shown.periodError?.field, 'from');
      assert.equal(shown.period.from, '2026-04-01');
    });

    it('gives the targets view the financial year, and the freshness view the uploads', async () => {
      const targets = await scopeFigures(
        context,
        service,
        { ...YEAR, view: 'targets', period: 'last-quarter' },
        undefined,
      );
      assert.deepEqual([targets.period.from, targets.period.to], ['2025-04-01', '2026-03-31']);
      assert.ok(targets.targets);
      const freshness = await scopeFigures(
        context,
        service,
        { ...YEAR, view: 'freshness' },
        undefined,
      );
      assert.deepEqual(
        freshness.freshness.map(({ records }) => records > 0),
        [true, true],
      );
    });

    it('sets the scope beside its wider areas on the benchmarking view', async () => {
      const shown = await scopeFigures(
        context,
        { ...service, benchmarkAreas: async () => [{ name: 'England', teamIds: service.teamIds }] },
        { ...YEAR, view: 'benchmarking' },
        undefined,
      );
      assert.deepEqual(
        shown.benchmarks?.map(({ name }) => name),
        ['North', 'England'],
      );
      assert.deepEqual(shown.benchmarks?.[0]?.metrics, shown.benchmarks?.[1]?.metrics);
    });
  });
}
