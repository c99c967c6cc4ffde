import type { AppContext } from '../application/context.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { londonToday } from '../calendar/london-today.ts';
import type { Queryable } from '../database/database.ts';
import type { SpreadsheetFile } from '../ingest/ingest.ts';
import { ensureSpecialists, specialistsOfTeam } from '../organisations/organisations.ts';
import { referralSourcesOfTeam } from '../organisations/service-referral-sources.ts';
import { clientKeyHasher } from '../referrals/pseudonymise.ts';
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

export interface TeamUploadCheck extends UploadCheck {
  /** What Confirm saves, holding the team's change count the files were checked against. */
  readonly pending: PendingUpload;
}

/** Runs an upload's files through the core against the team's records now. */
export async function checkTeamUpload(
  context: Pick<AppContext, 'database' | 'clock' | 'config'>,
  teamId: number,
  files: readonly SpreadsheetFile[],
): Promise<TeamUploadCheck> {
  const { database } = context;
  const known = await specialistsOfTeam(database, teamId);
  // Read first: a change after it makes the check stale, and the confirm refuses it.
  const dataVersion = await teamDataVersion(database, teamId);
  const check = checkUpload(files, await storedRecords(database, teamId), {
    clientKeyOf: clientKeyHasher(context.config.pseudonymisationSecret),
    today: londonToday(context.clock()),
    knownSpecialists: new Set(known.map((specialist) => specialist.initials)),
    referralSources: await referralSourcesOfTeam(database, teamId),
  });
  const fileNames = files.map((file) => file.name);
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
export function saveCheckedUpload(
  context: Clocked,
  upload: TeamAndPerson & { readonly pending: PendingUpload },
): Promise<SavedUpload | DataChanged> {
  const now = context.clock();
  return context.database.transaction((transaction) => saveChecked(transaction, now, upload));
}

/**
 * Confirm on the check page: claims the kept check, then saves it, in one transaction, so two
 * clicks save once. `expired`: no such check of this person's; `already-confirmed`: another
 * click claimed it first.
 */
export async function confirmPendingUpload(
  context: Clocked,
  check: TeamAndPerson & { readonly checkId: string },
): Promise<SavedUpload | DataChanged | 'expired' | 'already-confirmed'> {
  const now = context.clock();
  const pending = await findPendingUpload(context.database, { ...check, now });
  if (pending === null) return 'expired';
  return context.database.transaction(async (transaction) => {
    if (!(await claimPendingUpload(transaction, check.checkId))) return 'already-confirmed';
    return saveChecked(transaction, now, { ...check, pending });
  });
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
