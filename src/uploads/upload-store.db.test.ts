import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabaseWithTeam, testDatabases } from '../../test/support/test-databases.ts';
import { job, referral } from '../../test/support/test-referrals.ts';
import type { Database } from '../database/database.ts';
import { factsDerivedHere } from '../facts/fact-store.ts';
import { changedColumns, compareWithStored, referralKey } from './compare-upload.ts';
import {
  recordsToSaveOf,
  removeRecord,
  rollBackTo,
  saveUpload,
  storedRecords,
  uploadHistory,
} from './upload-store.ts';

describe('comparing an upload with what the team has', () => {
  const first = referral({ clientKey: 'a', referralDate: '2025-01-02', vpStartDate: '2025-01-10' });
  const second = referral({ clientKey: 'b', referralDate: '2025-02-03' });
  const stored = new Map([first, second].map((record) => [referralKey(record), record]));

  it('sorts rows into new, changed (naming the columns, each value before and after) and unchanged', () => {
    const changed = { ...first, vpStartDate: '2025-01-11', jobs: [job('2025-03-01')] } as const;
    const repeat = referral({ clientKey: 'a', referralDate: '2025-06-01' });
    const comparison = compareWithStored(stored, [changed, second, repeat]);
    assert.deepEqual(comparison.newRecords, [repeat], 'a repeat referral of a client is new');
    assert.deepEqual(comparison.changedRecords, [
      {
        record: changed,
        changedColumns: [
          'Date vocational profile started',
          '1st job start date',
          '1st job hours per week',
        ],
        changes: [
          {
            column: 'Date vocational profile started',
            before: '10 January 2025',
            after: '11 January 2025',
          },
          { column: '1st job start date', before: '(blank)', after: '1 March 2025' },
          {
            column: '1st job hours per week',
            before: '(blank)',
            after: String(job('2025-03-01').hoursPerWeek),
          },
        ],
      },
    ]);
    assert.equal(comparison.unchangedCount, 1);
  });

  it('sees an age band change as a change of date of birth, and nothing else as change', () => {
    assert.deepEqual(changedColumns(first, { ...first, ageBand: '25–34' }), [
      'Age band (from date of birth)',
    ]);
    assert.deepEqual(changedColumns(first, JSON.parse(JSON.stringify(first))), []);
  });
});

for (const testDatabase of testDatabases()) {
  describe(`storing uploads (${testDatabase.driver})`, () => {
    let database: Database;
    let teamId: number;
    let accountId: number;
    const now = new Date('2026-06-01T10:00:00Z');

    before(async () => {
      ({ database, teamId, accountId } = await openDatabaseWithTeam(testDatabase));
    });
    after(() => database.close());

    async function upload(records: ReturnType<typeof referral>[]) {
      return database.transaction(async (transaction) => {
        const comparison = compareWithStored(await storedRecords(transaction, teamId), records);
        const uploadId = await saveUpload(transaction, {
          teamId,
          accountId,
          fileNames: ['team.xlsx'],
          ...recordsToSaveOf(comparison),
          now,
        });
        return { uploadId, comparison };
      });
    }

    /** The count the data freshness view shows, kept with the records. */
    async function recordCount() {
      const [team] = await database.query<{ count: number }>(
        'SELECT record_count AS count FROM team WHERE id = $1',
        [teamId],
      );
      return team?.count;
    }

    it('keeps records missing from a later upload, rolls back to any earlier state, and removes by hand', async () => {
      const a = referral({ clientKey: 'a', referralDate: '2025-01-02', gender: 'Female' });
      const b = referral({
        clientKey: 'b',
        referralDate: '2025-02-03',
        jobs: [job('2025-05-01', null, 12.5)],
      });
      const first = await upload([a, b]);
      assert.equal(first.comparison.newRecords.length, 2);

      const c = referral({ clientKey: 'c', referralDate: '2025-03-04' });
      const second = await upload([{ ...a, gender: 'Male' }, c]);
      assert.equal(second.comparison.newRecords.length, 1);
      assert.equal(second.comparison.changedRecords.length, 1);
      const afterSecond = await storedRecords(database, teamId);
      assert.deepEqual([...afterSecond.keys()].sort(), [
        'a 2025-01-02',
        'b 2025-02-03',
        'c 2025-03-04',
      ]);
      assert.equal(afterSecond.get('a 2025-01-02')?.gender, 'Male');
      assert.equal(await recordCount(), 3);
      assert.deepEqual(
        afterSecond.get('b 2025-02-03'),
        b,
        'a record round-trips exactly, jobs and all',
      );

      const [row] = await database.query<{ id: number }>(
        "SELECT id FROM referral WHERE client_key = 'b'",
      );
      assert.equal(await removeRecord(database, teamId, row?.id ?? 0, accountId, now), true);
      assert.deepEqual([...(await storedRecords(database, teamId)).keys()].sort(), [
        'a 2025-01-02',
        'c 2025-03-04',
      ]);
      assert.equal(await recordCount(), 2);

      assert.equal(
        await rollBackTo(database, teamId, first.uploadId, accountId, now, factsDerivedHere),
        true,
      );
      const rolledBack = await storedRecords(database, teamId);
      assert.deepEqual([...rolledBack.keys()].sort(), ['a 2025-01-02', 'b 2025-02-03']);
      assert.equal(rolledBack.get('a 2025-01-02')?.gender, 'Female');
      assert.equal(await recordCount(), 2);

      const history = await uploadHistory(database, teamId);
      assert.deepEqual(
        history.map((entry) => [
          entry.kind,
          entry.newCount,
          entry.changedCount,
          entry.removedCount,
          entry.rolledBackAt !== null,
        ]),
        [
          ['removal', 0, 0, 1, true],
          ['upload', 1, 1, 0, true],
          ['upload', 2, 0, 0, false],
        ],
      );
      assert.equal(
        await rollBackTo(database, teamId, second.uploadId, accountId, now, factsDerivedHere),
        false,
        'not to an upload rolled back',
      );
    });

    it('derives again only the records a roll-back puts back, and stores each JSON once', async () => {
      const kept = referral({ clientKey: 'kept', referralDate: '2025-04-01' });
      const edited = referral({ clientKey: 'edited', referralDate: '2025-04-02', gender: 'Male' });
      const first = await upload([kept, edited]);
      await upload([kept, { ...edited, gender: 'Female' }]);
      const factRows = () =>
        database.query<{ key: string; id: number; gender: string | null }>(
          `SELECT r.client_key AS key, f.referral_id AS id, f.gender FROM referral r
             JOIN referral_fact f ON f.referral_id = r.id
            WHERE r.client_key IN ('kept', 'edited') ORDER BY 1`,
        );
      const before = await factRows();
      const derived: string[][] = [];
      const counting = async (texts: readonly string[]) => {
        derived.push([...texts]);
        return factsDerivedHere(texts);
      };
      assert.equal(
        await rollBackTo(database, teamId, first.uploadId, accountId, now, counting),
        true,
      );
      const after = await factRows();
      assert.deepEqual(
        derived.map((texts) => texts.map((text) => JSON.parse(text).clientKey)),
        [['edited']],
      );
      assert.deepEqual(
        after.find(({ key }) => key === 'kept'),
        before.find(({ key }) => key === 'kept'),
      );
      assert.equal(after.find(({ key }) => key === 'edited')?.gender, 'Male');
      assert.deepEqual(
        await database.query(
          "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'referral' AND column_name = 'record'",
        ),
        [],
        "the current records are their versions': no second copy",
      );
    });
  });
}
