import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { openDatabaseWithTeam, testDatabases } from '../../test/support/test-databases.ts';
import type { Database, SqlValue } from '../database/database.ts';
import type { SpreadsheetFile } from '../ingest/ingest.ts';
import { ServiceMetrics } from '../observability/service-metrics.ts';
import { writeXlsx } from '../spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../synthetic/referral-rows.ts';
import { UploadCheckPool } from './check-pool.ts';
import { CHECK_KEPT_MINUTES, STALLED_MINUTES } from './upload-checks.ts';
import { findTeamRecord, teamRecordCount, uploadHistory } from './upload-store.ts';
import {
  checkTeamUploadNow,
  confirmUploadCheck,
  keepSweepingExpiredChecks,
  removeRecordEnteredInError,
  rollBackTeamData,
  saveCheckedUpload,
  startUploadCheck,
  uploadCheckState,
} from './upload-use-cases.ts';

function spreadsheet(rows: number, seed: number): SpreadsheetFile[] {
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

/** The database as the use cases see it, noting every statement that reads the team's records. */
function watchedDatabase(database: Database, readsOfRecords: string[]): Database {
  const watch = (sql: string) => {
    if (/\bFROM referral\b/.test(sql) && /^\s*SELECT/i.test(sql)) readsOfRecords.push(sql);
  };
  return {
    ...database,
    kind: database.kind,
    query: <Row extends object>(sql: string, parameters?: readonly SqlValue[]) => {
      watch(sql);
      return database.query<Row>(sql, parameters);
    },
    transaction: (work) =>
      database.transaction((transaction) =>
        work({
          ...transaction,
          query: <Row extends object>(sql: string, parameters?: readonly SqlValue[]) => {
            watch(sql);
            return transaction.query<Row>(sql, parameters);
          },
        }),
      ),
    connectionUse: () => database.connectionUse(),
    close: () => database.close(),
  };
}

for (const testDatabase of testDatabases()) {
  describe(`a team's uploads, from check to Confirm (${testDatabase.driver})`, () => {
    let database: Database;
    let teamId: number;
    let accountId: number;
    let now = new Date('2026-06-01T10:00:00Z').getTime();
    const pseudonymisationSecret = randomBytes(32).toString('hex');
    const metrics = new ServiceMetrics(() => null);
    const readsOfRecords: string[] = [];
    const uploadChecks = new UploadCheckPool({
      threads: 1,
      queue: 5,
      timeLimitSeconds: 60,
      memoryLimitMb: 512,
    });
    let checksRun = 0;
    const countedChecks = {
      check: (...task: Parameters<UploadCheckPool['check']>) => {
        checksRun++;
        return uploadChecks.check(...task);
      },
      deriveFacts: (recordTexts: readonly string[]) => uploadChecks.deriveFacts(recordTexts),
    } as UploadCheckPool;
    const context = () => ({
      database: watchedDatabase(database, readsOfRecords),
      pseudonymisationSecret,
      metrics,
      uploadChecks: countedChecks,
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
    after(async () => {
      await uploadChecks.close();
      await database.close();
    });

    /** An upload checked and waiting for Confirm. */
    async function checkedUpload(seed: number, rows = 5) {
      const { checkId, finished } = await startUploadCheck(context(), {
        teamId,
        accountId,
        files: spreadsheet(rows, seed),
      });
      await finished;
      const check = { teamId, accountId, checkId };
      const state = await uploadCheckState(context(), check);
      assert.equal(state?.kind, 'checked', 'the generated rows have no errors');
      return check;
    }

    async function confirmed(check: { teamId: number; accountId: number; checkId: string }) {
      const outcome = await confirmUploadCheck(context(), check);
      if (typeof outcome === 'string') return outcome;
      await outcome.finished;
      return (await uploadCheckState(context(), check))?.kind;
    }

    it('checks the files once: the check page and Confirm read neither the files nor the records again', async () => {
      const runsBefore = checksRun;
      const check = await checkedUpload(1);
      assert.equal(checksRun, runsBefore + 1);
      readsOfRecords.length = 0;
      for (let reload = 0; reload < 3; reload++) {
        const state = await uploadCheckState(context(), check);
        assert.equal(state?.kind === 'checked' && state.view.counts?.new, 5);
      }
      assert.equal(await teamRecordCount(database, teamId), 0, 'nothing saved before Confirm');
      assert.equal(await confirmed(check), 'saved');
      assert.equal(checksRun, runsBefore + 1, 'checked once, however often the page was read');
      assert.deepEqual(readsOfRecords, [], "no comparison with the team's records after the check");
      assert.equal(await teamRecordCount(database, teamId), 5);
    });

    it('saves a confirmed check once, however many clicks reach it together', async () => {
      const check = await checkedUpload(6);
      const before = (await uploadHistory(database, teamId)).length;
      const outcomes = await Promise.all([
        confirmUploadCheck(context(), check),
        confirmUploadCheck(context(), check),
      ]);
      const started = outcomes.filter((outcome) => typeof outcome === 'object');
      assert.equal(started.length, 1);
      assert.deepEqual(
        outcomes.filter((outcome) => typeof outcome === 'string'),
        ['not-ready'],
      );
      await started[0]?.finished;
      assert.equal((await uploadHistory(database, teamId)).length, before + 1);
      const state = await uploadCheckState(context(), check);
      assert.equal(state?.kind, 'saved');
      assert.equal(await confirmUploadCheck(context(), check), 'not-ready', 'saved: not again');
    });

    it("refuses a check once the team's data changed after it, saving nothing", async () => {
      const stale = await checkedUpload(2);
      const other = await checkTeamUploadNow(context(), teamId, spreadsheet(3, 3));
      assert.ok(!(other instanceof Error) && other.view.counts !== null);
      const saved = await saveCheckedUpload(context(), {
        teamId,
        accountId,
        fileNames: other.view.fileNames,
        dataVersion: other.dataVersion,
        counts: other.view.counts,
        specialists: other.view.specialists,
        records: other.recordsToSave,
      });
      assert.equal(typeof saved, 'object');
      const before = await teamRecordCount(database, teamId);
      assert.equal(await confirmed(stale), 'data-changed');
      assert.equal(await teamRecordCount(database, teamId), before);
    });

    it('keeps a check for an hour, for the person who made it only', async () => {
      const check = await checkedUpload(4);
      assert.equal(await uploadCheckState(context(), { ...check, accountId: 0 }), null);
      assert.equal(await confirmUploadCheck(context(), { ...check, accountId: 0 }), 'expired');
      now += CHECK_KEPT_MINUTES * 60_000;
      assert.equal(await uploadCheckState(context(), check), null);
      assert.equal(await confirmUploadCheck(context(), check), 'expired');
    });

    it('says a check stopped when its server stopped moving it', async () => {
      const { checkId } = await startUploadCheck(context(), {
        teamId,
        accountId,
        // Never checked: as if the server holding the files had stopped.
        files: [],
      }).then(async (inHand) => {
        await inHand.finished.catch(() => {});
        return inHand;
      });
      await database.query("UPDATE upload_check SET stage = 'checking', updated_at = $1", [
        new Date(now),
      ]);
      const check = { teamId, accountId, checkId };
      assert.equal((await uploadCheckState(context(), check))?.kind, 'working');
      now += (STALLED_MINUTES + 1) * 60_000;
      assert.deepEqual(await uploadCheckState(context(), check), {
        kind: 'stalled',
        stage: 'checking',
      });
    });

    it('sweeps an expired check away without anyone uploading again', async () => {
      const keptCount = async () =>
        (await database.query<{ n: number }>('SELECT count(*)::int AS n FROM upload_check'))[0]?.n;
      now += 24 * 60 * 60_000;
      const abandoned = await checkedUpload(5);
      const warnings: string[] = [];
      const sweeping = keepSweepingExpiredChecks({
        ...context(),
        logger: { warn: (_details, message) => warnings.push(message) },
      });
      try {
        await sweeping.sweep();
        assert.equal(await keptCount(), 1, 'a check within its hour stays');
        now += 24 * 60 * 60_000;
        await sweeping.sweep();
        assert.equal(await keptCount(), 0);
        assert.equal(await confirmUploadCheck(context(), abandoned), 'expired');
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
        'uploaded data',
        'rolled back data',
        'removed record',
      ]);
    });

    it('counts checks and saves by outcome for the metrics', async () => {
      const counted = { ...context(), metrics: new ServiceMetrics(() => null) };
      const unreadable = [{ name: 'notes.csv', bytes: new TextEncoder().encode('Notes\nhello\n') }];
      const withErrors = await checkTeamUploadNow(counted, teamId, unreadable);
      assert.ok(!(withErrors instanceof Error) && withErrors.view.counts === null);
      const check = await checkTeamUploadNow(counted, teamId, spreadsheet(2, 7));
      assert.ok(!(check instanceof Error) && check.view.counts !== null);
      const upload = {
        teamId,
        accountId,
        fileNames: check.view.fileNames,
        dataVersion: check.dataVersion,
        counts: check.view.counts,
        specialists: check.view.specialists,
        records: check.recordsToSave,
      };
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
