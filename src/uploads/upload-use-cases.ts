import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { londonToday } from '../calendar/london-today.ts';
import type { Queryable } from '../database/database.ts';
import type { SpreadsheetFile } from '../ingest/ingest.ts';
import type { UploadOutcome } from '../observability/service-metrics.ts';
import { ensureSpecialists, specialistsOfTeam } from '../organisations/organisations.ts';
import { referralSourcesOfTeam } from '../organisations/service-referral-sources.ts';
import { cleanFileName } from '../validation/shown-text.ts';
import { CheckRefused } from './check-pool.ts';
import type { UploadCheckView, UploadCounts } from './check-upload.ts';
import type { CheckProgress, CheckTask, OpenCheck } from './check-worker.ts';
import { openSealedText } from './sealed-check.ts';
import {
  beginUploadCheck,
  type CheckOfPerson,
  claimCheckForSaving,
  findUploadCheck,
  isWorking,
  purgeExpiredChecks,
  recordCheckEnded,
  recordCheckProgress,
  recordCheckSaved,
  recordFinishedCheck,
  STALLED_MINUTES,
  type TeamAndPerson,
  type UploadCheckStage,
  type WorkingStage,
} from './upload-checks.ts';
import {
  recordCountAfterUpload,
  removeRecord,
  rollBackTo,
  saveUpload,
  storedRecordTexts,
  takeTeamData,
  teamDataVersion,
  teamRecordCount,
  type UploadHistoryEntry,
  uploadHistory,
} from './upload-store.ts';

/**
 * A team's uploads from check to Confirm, roll-back and removal by hand: what the upload pages,
 * the records page and the API do, each change one transaction with its audit entry. The files are
 * read and checked once, in a worker thread; the check page and Confirm use that check.
 */

type Clocked = Pick<AppContext, 'database' | 'clock'>;
/** Checking is timed and counted for the service's metrics, in the pool's threads. */
type Checking = Pick<
  AppContext,
  'database' | 'clock' | 'metrics' | 'pseudonymisationSecret' | 'uploadChecks'
>;
/** Saving is timed and counted for the service's metrics. */
type Saving = Pick<AppContext, 'database' | 'clock' | 'metrics'>;

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

/** A check in hand writes its progress at most this often: the page asks every few seconds. */
const PROGRESS_WRITE_MS = 1_000;

/** What a check's worker is given about the team, read just before: its records now. */
async function checkTaskFor(
  context: Checking,
  teamId: number,
  files: readonly SpreadsheetFile[],
  sealFor: string | null,
): Promise<{ dataVersion: number; task: Omit<CheckTask, 'progress'> }> {
  const { database } = context;
  // Read first: a change after it makes the check stale, and Confirm refuses it.
  const dataVersion = await teamDataVersion(database, teamId);
  const known = await specialistsOfTeam(database, teamId);
  return {
    dataVersion,
    task: {
      files,
      storedRecords: await storedRecordTexts(database, teamId),
      pseudonymisationSecret: context.pseudonymisationSecret,
      today: londonToday(context.clock()),
      knownSpecialists: known.map((specialist) => specialist.initials),
      referralSources: (await referralSourcesOfTeam(database, teamId)).sources,
      sealFor,
    },
  };
}

/** File names are cleaned before anything reads them: they go on to the check, the upload and the audit log. */
function cleanlyNamed(files: readonly SpreadsheetFile[]): SpreadsheetFile[] {
  return files.map((file) => ({ ...file, name: cleanFileName(file.name) }));
}

/** The check as the API answers at once, keeping nothing; or why the files were not checked. */
export async function checkTeamUploadNow(
  context: Checking,
  teamId: number,
  files: readonly SpreadsheetFile[],
): Promise<(OpenCheck & { readonly dataVersion: number }) | CheckRefused> {
  const start = performance.now();
  const { dataVersion, task } = await checkTaskFor(context, teamId, cleanlyNamed(files), null);
  try {
    const checked = await context.uploadChecks.check(task, () => {});
    if (checked.kind !== 'open') throw new Error('an unsealed check came back sealed');
    const outcome = checked.view.counts === null ? 'has-errors' : 'checked';
    context.metrics.recordUpload('check', outcome, secondsSince(start));
    return { ...checked, dataVersion };
  } catch (error) {
    if (!(error instanceof CheckRefused)) throw error;
    context.metrics.recordUpload('check', 'refused', secondsSince(start));
    return error;
  }
}

export interface UploadInHand {
  readonly checkId: string;
  /** Settles when the check has finished, whatever its outcome; rejects only on a fault. */
  readonly finished: Promise<void>;
}

const FAULT =
  'The files could not be checked because of a fault in the service. Nothing was saved. Upload them again; if it happens again, report a problem.';

/**
 * Takes an upload's files and starts checking them in the pool, at once giving the check id that
 * its progress and then its check page are found by.
 */
export async function startUploadCheck(
  context: Checking,
  upload: TeamAndPerson & { readonly files: readonly SpreadsheetFile[] },
): Promise<UploadInHand> {
  const now = context.clock();
  const checkId = await beginUploadCheck(context.database, { ...upload, now });
  return { checkId, finished: runUploadCheck(context, upload.teamId, checkId, upload.files) };
}

/**
 * A check in hand that has said nothing for this long (waiting in the pool's queue, or a long
 * step) still tells the database it is alive, so no page takes it for stopped.
 */
const HEARTBEAT_MS = 60_000;

/**
 * Writes a check's progress now and then, and a heartbeat while nothing moves; `settled` stops
 * the heartbeat and waits for the writes.
 */
function progressWriter(context: Clocked, checkId: string, stage: WorkingStage) {
  let lastWrite = 0;
  let last = { stage, rowsDone: 0 };
  let writing: Promise<void> = Promise.resolve();
  const write = () => {
    lastWrite = performance.now();
    const { stage: now, rowsDone } = last;
    writing = writing
      .then(() =>
        recordCheckProgress(context.database, checkId, {
          stage: now,
          rowsDone,
          now: context.clock(),
        }),
      )
      // A lost progress write only leaves the page a moment behind.
      .catch(() => {});
  };
  const heartbeat = setInterval(write, HEARTBEAT_MS);
  heartbeat.unref();
  return {
    report(stage: WorkingStage, rowsDone: number) {
      last = { stage, rowsDone };
      if (performance.now() - lastWrite >= PROGRESS_WRITE_MS) write();
    },
    settled: () => {
      clearInterval(heartbeat);
      return writing;
    },
  };
}

async function runUploadCheck(
  context: Checking,
  teamId: number,
  checkId: string,
  files: readonly SpreadsheetFile[],
): Promise<void> {
  const start = performance.now();
  const progress = progressWriter(context, checkId, 'reading');
  try {
    const { dataVersion, task } = await checkTaskFor(context, teamId, cleanlyNamed(files), checkId);
    const checked = await context.uploadChecks.check(task, (reported: CheckProgress) =>
      progress.report(reported.stage, reported.rowsDone),
    );
    if (checked.kind !== 'sealed') throw new Error('a kept check came back unsealed');
    await progress.settled();
    await recordFinishedCheck(context.database, checkId, {
      hasErrors: checked.hasErrors,
      dataVersion,
      rowsDone: checked.recordCount,
      rowsToSave: checked.rowsToSave,
      checkView: checked.view,
      recordsToSave: checked.records,
      now: context.clock(),
    });
    const outcome = checked.hasErrors ? 'has-errors' : 'checked';
    context.metrics.recordUpload('check', outcome, secondsSince(start));
  } catch (error) {
    await progress.settled();
    const refused = error instanceof CheckRefused;
    await recordCheckEnded(context.database, checkId, {
      stage: 'refused',
      refusal: refused ? error.message : FAULT,
      now: context.clock(),
    });
    context.metrics.recordUpload('check', refused ? 'refused' : 'failed', secondsSince(start));
    if (!refused) throw error;
  }
}

/** Where an upload in hand has got to, as its page shows it. */
export type UploadCheckState =
  | {
      readonly kind: 'working';
      readonly stage: WorkingStage;
      readonly rowsDone: number;
      readonly rowsToSave: number | null;
    }
  | { readonly kind: 'stalled'; readonly stage: WorkingStage }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'data-changed' }
  | { readonly kind: 'saved'; readonly uploadId: number }
  | { readonly kind: 'checked'; readonly view: UploadCheckView };

/** The upload this person has in hand for this team; null when there is none (or it expired). */
export async function uploadCheckState(
  context: Clocked,
  check: TeamAndPerson & { readonly checkId: string },
): Promise<UploadCheckState | null> {
  const now = context.clock();
  const row = await findUploadCheck(context.database, { ...check, now });
  if (row === null) return null;
  const stage: UploadCheckStage = row.stage;
  if (isWorking(stage)) {
    if (now.getTime() - new Date(row.updatedAt).getTime() > STALLED_MINUTES * 60_000) {
      return { kind: 'stalled', stage };
    }
    return { kind: 'working', stage, rowsDone: row.rowsDone, rowsToSave: row.rowsToSave };
  }
  if (stage === 'refused') return { kind: 'refused', reason: row.refusal ?? FAULT };
  if (stage === 'data-changed') return { kind: 'data-changed' };
  if (stage === 'saved' && row.uploadId !== null) return { kind: 'saved', uploadId: row.uploadId };
  if (row.checkView === null) return { kind: 'refused', reason: FAULT };
  const view = JSON.parse(await openSealedText(check.checkId, row.checkView)) as UploadCheckView;
  return { kind: 'checked', view };
}

/** Where the sweep says it failed: the server's log. */
export interface WarningLog {
  warn(details: object, message: string): void;
}

/** How often each server forgets expired checks. */
const SWEEP_MINUTES = 10;

export interface CheckSweep {
  /** Forgets the checks that waited too long. */
  readonly sweep: () => Promise<void>;
  readonly stop: () => void;
}

/**
 * Forgets expired checks now and every few minutes, not only at someone's next upload, so an
 * abandoned check's records go within the hour. Any number of servers may run it on one database.
 */
export function keepSweepingExpiredChecks(
  services: Clocked & { readonly logger: WarningLog },
): CheckSweep {
  const sweep = async () => {
    try {
      await purgeExpiredChecks(services.database, services.clock());
    } catch (error) {
      // The next sweep tries again; meanwhile every read still refuses an expired check.
      services.logger.warn(
        { event: 'check-sweep-failed', err: error },
        'forgetting expired checks failed',
      );
    }
  };
  const timer = setInterval(sweep, SWEEP_MINUTES * 60_000);
  // Never what keeps the process alive.
  timer.unref();
  void sweep();
  return { sweep, stop: () => clearInterval(timer) };
}

/** A checked upload as Confirm (or the API) saves it: what the check found, nothing read again. */
export interface CheckedUploadToSave extends TeamAndPerson {
  readonly fileNames: readonly string[];
  /** The team's change count the files were checked against. */
  readonly dataVersion: number;
  readonly counts: UploadCounts;
  readonly specialists: readonly string[];
  /** Each new or changed record's JSON. */
  readonly records: readonly string[];
}

export interface SavedUpload {
  readonly uploadId: number;
  readonly counts: UploadCounts;
}

/** The team's data changed since the check (another upload, a roll-back): nothing was saved. */
export type DataChanged = 'changed';

/**
 * Saves a checked upload, in the caller's transaction: refused when the team's data changed since
 * the check, so the check's comparison still holds whenever it is saved.
 */
async function saveChecked(
  transaction: Queryable,
  now: Date,
  upload: CheckedUploadToSave,
  onRecordsSaved?: (saved: number) => void,
): Promise<SavedUpload | DataChanged> {
  const { teamId, accountId, counts } = upload;
  if (!(await takeTeamData(transaction, teamId, upload.dataVersion))) return 'changed';
  const uploadId = await saveUpload(transaction, {
    teamId,
    accountId,
    fileNames: upload.fileNames,
    counts,
    records: upload.records,
    now,
    ...(onRecordsSaved === undefined ? {} : { onRecordsSaved }),
  });
  await ensureSpecialists(transaction, teamId, upload.specialists);
  await recordAudit(transaction, now, {
    actorAccountId: accountId,
    action: 'uploaded data',
    subject: `team ${teamId}`,
    detail: `upload ${uploadId}: ${counts.new} new, ${counts.changed} changed, ${counts.unchanged} unchanged (${upload.fileNames.join(', ')})`,
  });
  return { uploadId, counts };
}

function recordSave(
  context: Pick<AppContext, 'metrics'>,
  result: SavedUpload | DataChanged,
  start: number,
): void {
  const outcome: UploadOutcome = result === 'changed' ? 'data-changed' : 'saved';
  context.metrics.recordUpload('save', outcome, secondsSince(start));
}

/** Saves an upload checked a moment ago, in one transaction (the API: no check page between). */
export async function saveCheckedUpload(
  context: Saving,
  upload: CheckedUploadToSave,
): Promise<SavedUpload | DataChanged> {
  const start = performance.now();
  const now = context.clock();
  const saved = await context.database.transaction((transaction) =>
    saveChecked(transaction, now, upload),
  );
  recordSave(context, saved, start);
  return saved;
}

/**
 * Confirm on the check page: claims the checked upload (so two clicks save once) and starts saving
 * it. `not-ready`: it is still being checked, found errors, or is saving or saved already;
 * `expired`: there is no such check of this person's.
 */
export async function confirmUploadCheck(
  context: Saving,
  check: TeamAndPerson & { readonly checkId: string },
): Promise<{ readonly finished: Promise<void> } | 'not-ready' | 'expired'> {
  const now = context.clock();
  const person: CheckOfPerson = { ...check, now };
  const claimed = await claimCheckForSaving(context.database, person);
  if (claimed === null) {
    return (await findUploadCheck(context.database, person)) === null ? 'expired' : 'not-ready';
  }
  return { finished: saveClaimedCheck(context, check, claimed) };
}

async function saveClaimedCheck(
  context: Saving,
  check: TeamAndPerson & { readonly checkId: string },
  claimed: Awaited<ReturnType<typeof claimCheckForSaving>> & {},
): Promise<void> {
  const start = performance.now();
  const progress = progressWriter(context, check.checkId, 'saving');
  try {
    const view = JSON.parse(
      await openSealedText(check.checkId, claimed.checkView),
    ) as UploadCheckView;
    const lines = await openSealedText(check.checkId, claimed.recordsToSave);
    const upload: CheckedUploadToSave = {
      teamId: check.teamId,
      accountId: check.accountId,
      fileNames: view.fileNames,
      dataVersion: claimed.dataVersion,
      counts: view.counts ?? { new: 0, changed: 0, unchanged: 0 },
      specialists: view.specialists,
      records: lines === '' ? [] : lines.split('\n'),
    };
    const now = context.clock();
    const saved = await context.database.transaction(async (transaction) => {
      const result = await saveChecked(transaction, now, upload, (rowsDone) =>
        progress.report('saving', rowsDone),
      );
      if (result !== 'changed') {
        await recordCheckSaved(transaction, check.checkId, { uploadId: result.uploadId, now });
      }
      return result;
    });
    await progress.settled();
    if (saved === 'changed') {
      await recordCheckEnded(context.database, check.checkId, {
        stage: 'data-changed',
        refusal: null,
        now: context.clock(),
      });
    }
    recordSave(context, saved, start);
  } catch (error) {
    await progress.settled();
    await recordCheckEnded(context.database, check.checkId, {
      stage: 'refused',
      refusal:
        'Saving stopped because of a fault in the service. Nothing was saved. Upload the files again; if it happens again, report a problem.',
      now: context.clock(),
    });
    context.metrics.recordUpload('save', 'failed', secondsSince(start));
    throw error;
  }
}

/** What rolling back to an upload would do, for its confirmation page. */
export interface RollBackPreview {
  readonly target: UploadHistoryEntry;
  /** The uploads (and removals) after it that would stop counting, newest first. */
  readonly undone: readonly UploadHistoryEntry[];
  readonly recordsNow: number;
  readonly recordsAfter: number;
}

/** Null when the team has no such upload in force to go back to, or nothing after it to undo. */
export async function previewRollBack(
  context: Pick<AppContext, 'database'>,
  rollBack: { readonly teamId: number; readonly uploadId: number },
): Promise<RollBackPreview | null> {
  const { database } = context;
  const inForce = (await uploadHistory(database, rollBack.teamId)).filter(
    (entry) => entry.rolledBackAt === null,
  );
  const target = inForce.find((entry) => entry.id === rollBack.uploadId);
  const undone = inForce.filter((entry) => entry.id > rollBack.uploadId);
  if (target === undefined || undone.length === 0) return null;
  return {
    target,
    undone,
    recordsNow: await teamRecordCount(database, rollBack.teamId),
    recordsAfter: await recordCountAfterUpload(database, rollBack.teamId, rollBack.uploadId),
  };
}

/** Rolls the team back to the state after one of its uploads; false when there is no such upload. */
export function rollBackTeamData(
  context: Clocked & Pick<AppContext, 'uploadChecks'>,
  rollBack: TeamAndPerson & { readonly uploadId: number },
): Promise<boolean> {
  const { teamId, accountId, uploadId } = rollBack;
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    await takeTeamData(transaction, teamId, null);
    const deriveFacts = (recordTexts: readonly string[]) =>
      context.uploadChecks.deriveFacts(recordTexts);
    if (!(await rollBackTo(transaction, teamId, uploadId, accountId, now, deriveFacts))) {
      return false;
    }
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'rolled back data',
      subject: `team ${teamId}`,
      detail: `to the state after upload ${uploadId}`,
    });
    return true;
  });
}

/** Removes one record entered in error; false when the team has no such record. */
export function removeRecordEnteredInError(
  context: Clocked,
  removal: TeamAndPerson & { readonly referralId: number },
): Promise<boolean> {
  const { teamId, accountId, referralId } = removal;
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    await takeTeamData(transaction, teamId, null);
    if (!(await removeRecord(transaction, teamId, referralId, accountId, now))) return false;
    await recordAudit(transaction, now, {
      actorAccountId: accountId,
      action: 'removed record',
      subject: `team ${teamId}`,
      detail: `record ${referralId}`,
    });
    return true;
  });
}
