import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { londonToday } from '../calendar/london-today.ts';
import type { Queryable } from '../database/database.ts';
import type { SpreadsheetFile } from '../ingest/ingest.ts';
import type { UploadOutcome } from '../observability/service-metrics.ts';
import { ensureSpecialists, specialistsOfTeam } from '../organisations/organisations.ts';
import { referralSourcesOfTeam } from '../organisations/service-referral-sources.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
import { cleanFileName } from '../validation/shown-text.ts';
import {
  checkUpload,
  type PendingUpload,
  pendingUploadOf,
  type UploadCheck,
} from './check-upload.ts';
import { compareWithStored, type UploadComparison } from './compare-upload.ts';
import {
  claimPendingUpload,
  findPendingUpload,
  purgeExpiredChecks,
  storePendingUpload,
} from './pending-uploads.ts';
import {
  removeRecord,
  rollBackTo,
  saveUpload,
  storedRecords,
  takeTeamData,
  teamDataVersion,
} from './upload-store.ts';

/**
 * A team's uploads from check to Confirm, roll-back and removal by hand: what the upload pages,
 * the records page and the API do, each change one transaction with its audit entry.
 */

type Clocked = Pick<AppContext, 'database' | 'clock'>;
/** Saving is timed and counted for the service's metrics. */
type Saving = Pick<AppContext, 'database' | 'clock' | 'metrics'>;

function secondsSince(start: number): number {
  return (performance.now() - start) / 1000;
}

export interface TeamUploadCheck extends UploadCheck {
  /** What Confirm saves, holding the team's change count the files were checked against. */
  readonly pending: PendingUpload;
}

/** Runs an upload's files through the core against the team's records now. */
export async function checkTeamUpload(
  context: Pick<AppContext, 'database' | 'clock' | 'pseudonymisationSecret' | 'metrics'>,
  teamId: number,
  files: readonly SpreadsheetFile[],
): Promise<TeamUploadCheck> {
  const start = performance.now();
  const { database } = context;
  // Cleaned before anything reads them: they go on to the check, the upload and the audit log.
  const named = files.map((file) => ({ ...file, name: cleanFileName(file.name) }));
  const known = await specialistsOfTeam(database, teamId);
  // Read first: a change after it makes the check stale, and the confirm refuses it.
  const dataVersion = await teamDataVersion(database, teamId);
  const check = checkUpload(named, await storedRecords(database, teamId), {
    clientKeyOf: clientKeyHasher(context.pseudonymisationSecret),
    today: londonToday(context.clock()),
    knownSpecialists: new Set(known.map((specialist) => specialist.initials)),
    referralSources: await referralSourcesOfTeam(database, teamId),
  });
  const fileNames = named.map((file) => file.name);
  const outcome = check.ingest.hasErrors ? 'has-errors' : 'checked';
  context.metrics.recordUpload('check', outcome, secondsSince(start));
  return { ...check, pending: pendingUploadOf(check, fileNames, dataVersion) };
}

interface TeamAndPerson {
  readonly teamId: number;
  readonly accountId: number;
}

/** Keeps a check without errors for its Confirm page; the check id is the page's address. */
export async function keepCheckForConfirm(
  context: Clocked,
  upload: TeamAndPerson & { readonly pending: PendingUpload },
): Promise<string> {
  const now = context.clock();
  await purgeExpiredChecks(context.database, now);
  return storePendingUpload(context.database, { ...upload, now });
}

/** A kept check as its Confirm page shows it: compared with the team's records as they are now. */
export async function checkWaitingForConfirm(
  context: Clocked,
  check: TeamAndPerson & { readonly checkId: string },
): Promise<{ pending: PendingUpload; comparison: UploadComparison } | null> {
  const pending = await findPendingUpload(context.database, { ...check, now: context.clock() });
  if (pending === null) return null;
  const comparison = compareWithStored(
    await storedRecords(context.database, check.teamId),
    pending.records,
  );
  return { pending, comparison };
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

export interface SavedUpload {
  readonly uploadId: number;
  readonly comparison: UploadComparison;
}

/** The team's data changed since the check (another upload, a roll-back): nothing was saved. */
export type DataChanged = 'changed';

/**
 * Saves a checked upload, in the caller's transaction, against the records as they are at that
 * moment: refused when the team's data changed since the check.
 */
async function saveChecked(
  transaction: Queryable,
  now: Date,
  upload: TeamAndPerson & { readonly pending: PendingUpload },
): Promise<SavedUpload | DataChanged> {
  const { teamId, accountId, pending } = upload;
  if (!(await takeTeamData(transaction, teamId, pending.dataVersion))) return 'changed';
  const comparison = compareWithStored(await storedRecords(transaction, teamId), pending.records);
  const uploadId = await saveUpload(transaction, {
    teamId,
    accountId,
    fileNames: pending.fileNames,
    comparison,
    now,
  });
  await ensureSpecialists(
    transaction,
    teamId,
    pending.records.map((record) => record.specialist),
  );
  await recordAudit(transaction, now, {
    actorAccountId: accountId,
    action: 'uploaded data',
    subject: `team ${teamId}`,
    detail: `upload ${uploadId}: ${comparison.newRecords.length} new, ${comparison.changedRecords.length} changed, ${comparison.unchangedCount} unchanged (${pending.fileNames.join(', ')})`,
  });
  return { uploadId, comparison };
}

/** Saves an upload checked a moment ago, in one transaction (the API: no check page between). */
export async function saveCheckedUpload(
  context: Saving,
  upload: TeamAndPerson & { readonly pending: PendingUpload },
): Promise<SavedUpload | DataChanged> {
  const start = performance.now();
  const now = context.clock();
  const saved = await context.database.transaction((transaction) =>
    saveChecked(transaction, now, upload),
  );
  recordSave(context, saved, start);
  return saved;
}

function recordSave(
  context: Pick<AppContext, 'metrics'>,
  result: SavedUpload | DataChanged | 'expired' | 'already-confirmed',
  start: number,
): void {
  let outcome: UploadOutcome = 'saved';
  if (result === 'changed') outcome = 'data-changed';
  else if (typeof result === 'string') outcome = 'expired';
  context.metrics.recordUpload('save', outcome, secondsSince(start));
}

/**
 * Confirm on the check page: claims the kept check, then saves it, in one transaction, so two
 * clicks save once. `expired`: no such check of this person's; `already-confirmed`: another
 * click claimed it first.
 */
export async function confirmPendingUpload(
  context: Saving,
  check: TeamAndPerson & { readonly checkId: string },
): Promise<SavedUpload | DataChanged | 'expired' | 'already-confirmed'> {
  const start = performance.now();
  const now = context.clock();
  const pending = await findPendingUpload(context.database, { ...check, now });
  const result =
    pending === null
      ? 'expired'
      : await context.database.transaction(async (transaction) => {
          if (!(await claimPendingUpload(transaction, check.checkId))) return 'already-confirmed';
          return saveChecked(transaction, now, { ...check, pending });
        });
  recordSave(context, result, start);
  return result;
}

/** Rolls the team back to the state after one of its uploads; false when there is no such upload. */
export function rollBackTeamData(
  context: Clocked,
  rollBack: TeamAndPerson & { readonly uploadId: number },
): Promise<boolean> {
  const { teamId, accountId, uploadId } = rollBack;
  const now = context.clock();
  return context.database.transaction(async (transaction) => {
    await takeTeamData(transaction, teamId, null);
    if (!(await rollBackTo(transaction, teamId, uploadId, accountId, now))) return false;
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
