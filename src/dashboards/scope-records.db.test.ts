import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabaseWithTeam, testDatabases } from '../../test/support/test-databases.ts';
import { job, referral } from '../../test/support/test-referrals.ts';
import type { Database } from '../database/database.ts';
import type { MetricsQuery } from '../metrics/compute.ts';
import { compareWithStored } from '../uploads/compare-upload.ts';
import { recordsToSaveOf, saveUpload } from '../uploads/upload-store.ts';
import { drillOf } from './drill-through.ts';
import { recordsBehindFigure } from './scope-records.ts';

const query: MetricsQuery = {
  from: '2025-04-01',
  to: '2026-03-31',
  today: '2026-05-01',
  employmentStatus: 'all',
};

for (const testDatabase of testDatabases()) {
  describe(`the records behind a figure (${testDatabase.driver})`, () => {
    let database: Database;
    let teamIds: number[];

    before(async () => {
      const opened = await openDatabaseWithTeam(testDatabase);
      database = opened.database;
      teamIds = [opened.teamId];
      const records = [
        referral({
          clientKey: 'a',
          referralDate: '2025-06-01',
          gender: 'Female',
          jobs: [job('2025-07-01'), job('2025-09-01')],
        }),
        referral({ clientKey: 'b', referralDate: '2025-05-01', specialist: 'CD' }),
      ];
      await saveUpload(database, {
        teamId: opened.teamId,
        accountId: opened.accountId,
        fileNames: ['team.xlsx'],
        ...recordsToSaveOf(compareWithStored(new Map(), records)),
        now: new Date('2026-05-01T10:00:00Z'),
      });
    });
    after(() => database.close());

    const behind = (parameters: Record<string, string>, specialist?: string) =>
      recordsBehindFigure(database, { teamIds, drill: drillOf(parameters), query, specialist });

    it('lists every record, newest referral first, when the link asks for no figure', async () => {
      const all = await behind({});
      assert.deepEqual(
        all?.records.map(({ record }) => record.clientKey),
        ['a', 'b'],
      );
      assert.equal(all?.jobStarts, null);
      assert.deepEqual(
        (await behind({}, 'CD'))?.records.map(({ record }) => record.specialist),
        ['CD'],
      );
    });

    it('counts the jobs behind job starts, and echoes no value no record holds', async () => {
      const starts = await behind({ metric: 'jobStarts' });
      assert.deepEqual(
        starts?.records.map(({ record, share }) => [record.clientKey, share]),
        [['a', 2]],
      );
      assert.equal(starts?.jobStarts, 2);
      assert.equal(
        (await behind({ metric: 'referrals', dimension: 'gender', value: 'Female' }))?.records
          .length,
        1,
      );
      assert.equal(
        await behind({ metric: 'referrals', dimension: 'gender', value: 'Call this number' }),
        null,
      );
    });
  });
}
