import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openDatabaseWithTeam, testDatabases } from '../../test/support/test-databases.ts';
import type { Database } from '../database/database.ts';
import { ServiceMetrics } from '../observability/service-metrics.ts';
import { writeXlsx } from '../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../synthetic/referral-rows.ts';
import { PENDING_MINUTES } from './pending-uploads.ts';
import { findTeamRecord, teamRecordCount, uploadHistory } from './upload-store.ts';
import {
  checkTeamUpload,
  checkWaitingForConfirm,
  confirmPendingUpload,
  keepCheckForConfirm,
  keepSweepingExpiredChecks,
  removeRecordEnteredInError,
  rollBackTeamData,
  saveCheckedUpload,
} from './upload-use-cases.ts';

function spreadsheet(rows: number, seed: number) {
  const generated = generateReferralRows({
    rows,
    seed,
    today: '2026-05-01',
    specialists: ['AB'],
    clientIdPrefix: `S${seed}-`,
  });
  return [
    {
      name: `team-${seed}.xlsx`,
      bytes: writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...generated.rows] }]),
    },
  ];
}

for (const testDatabase of testDatabases()) {
  describe(`a team's uploads, from check to Confirm (${testDatabase.driver})`, () => {
    let database: Database;
    let teamId: number;
    let accountId: number;
    let now = new Date('2026-06-01T10:00:00Z').getTime();
    const pseudonymisationSecret = randomBytes(32).toString('hex');
    const metrics = new ServiceMetrics(() => null);
    const context = () => ({
      database,
      pseudonymisationSecret,
      metrics,
      clock: () => new Date(now),
    });
    const auditActions = async () =>
      (
        await database.query<{ action: string }>(
          'SELECT action FROM audit_event WHERE subject = $1 ORDER BY id',
          [`team ${teamId}`],
        )
      ).map(({ action }) => action);

    before(async () => {
      ({ database, teamId, accountId } = await openDatabaseWithTeam(testDatabase));
    });
    after(() => database.close());

    async function keptCheck(seed: number) {
      const check = await checkTeamUpload(context(), teamId, spreadsheet(5, seed));
      assert.notEqual(check.comparison, null, 'the generated rows have no errors');
      const checkId = await keepCheckForConfirm(context(), {
        teamId,
        accountId,
        pending: check.pending,
      });
      return { teamId, accountId, checkId };
    }

    it('saves a confirmed check once, however many clicks reach it together', async () => {
      const check = await keptCheck(1);
      const waiting = await checkWaitingForConfirm(context(), check);
      assert.equal(waiting?.comparison.newRecords.length, 5);
      assert.equal(await teamRecordCount(database, teamId), 0, 'nothing saved before Confirm');
      const outcomes = await Promise.all([
        confirmPendingUpload(context(), check),
        confirmPendingUpload(context(), check),
      ]);
      const saved = outcomes.filter((outcome) => typeof outcome === 'object');
      assert.equal(saved.length, 1);
      // The other click lost the claim, or came once the first had saved and found it gone.
      const [other] = outcomes.filter((outcome) => typeof outcome === 'string');
      assert.ok(other === 'already-confirmed' || other === 'expired', String(other));
      assert.equal(await teamRecordCount(database, teamId), 5);
      assert.equal(await confirmPendingUpload(context(), check), 'expired', 'claimed: gone');
    });

    it("refuses a check once the team's data changed after it, saving nothing", async () => {
      const stale = await keptCheck(2);
      const other = await checkTeamUpload(context(), teamId, spreadsheet(3, 3));
      const saved = await saveCheckedUpload(context(), {
        teamId,
        accountId,
        pending: other.pending,
      });
      assert.equal(typeof saved, 'object');
      const before = await teamRecordCount(database, teamId);
      assert.equal(await confirmPendingUpload(context(), stale), 'changed');
      assert.equal(await teamRecordCount(database, teamId), before);
    });

    it('keeps a check for an hour, for the person who made it only', async () => {
      const check = await keptCheck(4);
      assert.equal(await checkWaitingForConfirm(context(), { ...check, accountId: 0 }), null);
      now += PENDING_MINUTES * 60_000;
      assert.equal(await checkWaitingForConfirm(context(), check), null);
      assert.equal(await confirmPendingUpload(context(), check), 'expired');
    });

    it('sweeps an expired check away without anyone uploading again', async () => {
      const pendingCount = async () =>
        (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM pending_upload'))[0]
          ?.n;
      const abandoned = await keptCheck(5);
      const warnings: string[] = [];
      const sweeping = keepSweepingExpiredChecks({
        ...context(),
        logger: { warn: (_details, message) => warnings.push(message) },
      });
      try {
        await sweeping.sweep();
        assert.equal(await pendingCount(), 1, 'a check within its hour stays');
        now += 24 * 60 * 60_000;
        await sweeping.sweep();
        assert.equal(await pendingCount(), 0);
        assert.equal(await confirmPendingUpload(context(), abandoned), 'expired');
        assert.deepEqual(warnings, []);
      } finally {
        sweeping.stop();
      }
    });

    it('rolls back and removes a record by hand, each with its audit entry', async () => {
      const [oldest] = (await uploadHistory(database, teamId)).slice(-1);
      assert.equal(
        await rollBackTeamData(context(), { teamId, accountId, uploadId: oldest?.id ?? 0 }),
        true,
      );
      assert.equal(await teamRecordCount(database, teamId), 5);
      assert.equal(await rollBackTeamData(context(), { teamId, accountId, uploadId: 0 }), false);
      const [row] = await database.query<{ id: number }>(
        'SELECT id FROM referral WHERE team_id = $1 LIMIT 1',
        [teamId],
      );
      const referralId = row?.id ?? 0;
      assert.notEqual(await findTeamRecord(database, teamId, referralId), null);
      assert.equal(
        await removeRecordEnteredInError(context(), { teamId, accountId, referralId }),
        true,
      );
      assert.equal(await findTeamRecord(database, teamId, referralId), null);
      assert.equal(
        await removeRecordEnteredInError(context(), { teamId, accountId, referralId }),
        false,
      );
      assert.deepEqual(await auditActions(), [
        'uploaded data',
        'uploaded data',
        'rolled back data',
        'removed record',
      ]);
    });

    it('counts checks and saves by outcome for the metrics', async () => {
      const counted = { ...context(), metrics: new ServiceMetrics(() => null) };
      const unreadable = [{ name: 'notes.csv', bytes: new TextEncoder().encode('Notes\nhello\n') }];
      assert.equal((await checkTeamUpload(counted, teamId, unreadable)).comparison, null);
      const check = await checkTeamUpload(counted, teamId, spreadsheet(2, 5));
      const upload = { teamId, accountId, pending: check.pending };
      assert.equal(typeof (await saveCheckedUpload(counted, upload)), 'object');
      assert.equal(await saveCheckedUpload(counted, upload), 'changed');
      const exposition = await counted.metrics.exposition();
      for (const [stage, outcome] of [
        ['check', 'has-errors'],
        ['check', 'checked'],
        ['save', 'saved'],
        ['save', 'data-changed'],
      ]) {
        assert.match(
          exposition,
          new RegExp(`ips_uploads_total{stage="${stage}",outcome="${outcome}"} 1\n`),
        );
      }
      assert.match(exposition, /ips_upload_duration_seconds_count{stage="check"} 2\n/);
    });
  });
}
