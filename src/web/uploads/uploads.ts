import type { Multipart } from '@fastify/multipart';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hashSecretToken, newSecretToken } from '../../accounts/secret-tokens.ts';
import { recordAudit } from '../../audit/audit-log.ts';
import { londonToday } from '../../calendar/london-today.ts';
import type { Queryable } from '../../database/database.ts';
import type { SpreadsheetFile } from '../../ingest/ingest.ts';
import {
  ensureSpecialists,
  findTeam,
  specialistsOfTeam,
  teamPlace,
} from '../../organisations/organisations.ts';
import { canUploadForTeam, type Viewer } from '../../permissions/permissions.ts';
import { clientKeyHasher } from '../../referrals/pseudonymise.ts';
import { DEFAULT_READ_LIMITS } from '../../spreadsheet/cells.ts';
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { checkUpload, type PendingUpload, pendingUploadOf } from '../../uploads/check-upload.ts';
import { compareWithStored, type UploadComparison } from '../../uploads/compare-upload.ts';
import {
  rollBackTo,
  saveUpload,
  storedRecords,
  takeTeamData,
  teamDataVersion,
  uploadHistory,
} from '../../uploads/upload-store.ts';
import type { Problem } from '../../validation/problems.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

export const MAX_FILES_PER_UPLOAD = 10;
/** A check waits this long for Confirm; then the person uploads again. */
const PENDING_MINUTES = 60;

/** Why the files could not even be read as an upload (too many, too large, none). */
export class UploadRefused extends Error {}

export interface UploadedForm {
  readonly files: SpreadsheetFile[];
  readonly fields: ReadonlyMap<string, string>;
}

/** Reads the multipart files into memory only (nothing touches the disk), and its text fields. */
export async function readUploadedFiles(parts: AsyncIterable<Multipart>): Promise<UploadedForm> {
  const files: SpreadsheetFile[] = [];
  const fields = new Map<string, string>();
  for await (const part of parts) {
    if (part.type === 'field') {
      if (typeof part.value === 'string') fields.set(part.fieldname, part.value);
      continue;
    }
    const bytes = await part.toBuffer();
    if (part.fieldname !== 'file') continue;
    if (part.file.truncated) {
      throw new UploadRefused(
        `${part.filename} is larger than ${DEFAULT_READ_LIMITS.maxFileBytes / 1024 / 1024} MB`,
      );
    }
    if (part.filename === '' && bytes.length === 0) continue;
    files.push({ name: part.filename || 'unnamed file', bytes: new Uint8Array(bytes) });
  }
  if (files.length === 0) throw new UploadRefused('Select a spreadsheet to upload');
  return { files, fields };
}

export const MULTIPART_LIMITS = {
  fileSize: DEFAULT_READ_LIMITS.maxFileBytes,
  files: MAX_FILES_PER_UPLOAD,
  fields: 10,
  parts: MAX_FILES_PER_UPLOAD + 10,
};

/** Runs an upload's files through the core against the team's records now. */
export async function checkTeamUpload(
  services: Services,
  teamId: number,
  files: readonly SpreadsheetFile[],
) {
  const known = await specialistsOfTeam(services.database, teamId);
  // Read first: a change after it makes the check stale, and the confirm refuses it.
  const dataVersion = await teamDataVersion(services.database, teamId);
  const check = checkUpload(files, await storedRecords(services.database, teamId), {
    clientKeyOf: clientKeyHasher(services.config.pseudonymisationSecret),
    today: londonToday(services.clock()),
    knownSpecialists: new Set(known.map((specialist) => specialist.initials)),
  });
  return { ...check, dataVersion };
}

/**
 * Saves a checked upload in one transaction, against the records as they are at that moment.
 * `claim` runs first in the same transaction (taking the pending check, so two clicks save once);
 * null when it refuses.
 */
export async function confirmUpload(
  services: Services,
  teamId: number,
  viewer: Viewer,
  pending: PendingUpload,
  claim: (transaction: Queryable) => Promise<boolean> = async () => true,
) {
  const now = services.clock();
  return services.database.transaction(async (transaction) => {
    if (!(await claim(transaction))) return null;
    if (!(await takeTeamData(transaction, teamId, pending.dataVersion))) return 'changed' as const;
    const comparison = compareWithStored(await storedRecords(transaction, teamId), pending.records);
    const uploadId = await saveUpload(transaction, {
      teamId,
      accountId: viewer.accountId,
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
      actorAccountId: viewer.accountId,
      action: 'uploaded data',
      subject: `team ${teamId}`,
      detail: `upload ${uploadId}: ${comparison.newRecords.length} new, ${comparison.changedRecords.length} changed, ${comparison.unchangedCount} unchanged (${pending.fileNames.join(', ')})`,
    });
    return { uploadId, comparison };
  });
}

/** The problems as a CSV, every cell that could run as a formula neutralised. */
export function problemsCsv(problems: readonly Problem[]): string {
  return writeCsv(
    ['File', 'Sheet', 'Row', 'Column', 'Value', 'Severity', 'Problem', 'What to do'],
    problems.map((problem) => [
      problem.file,
      problem.sheet,
      problem.row,
      problem.column,
      problem.value,
      problem.severity,
      problem.description,
      problem.fix,
    ]),
    { neutraliseFormulas: true },
  );
}

function problemRows(problems: readonly Problem[]) {
  return problems.map((problem) => [
    { text: problem.file },
    { text: problem.row === null ? 'Whole file' : String(problem.row) },
    { text: problem.column ?? '' },
    { text: problem.value ?? '' },
    { text: `${problem.description} ${problem.fix}` },
  ]);
}

export function uploadHandlers(services: Services) {
  const { database, clock } = services;

  async function teamOf(request: FastifyRequest) {
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    return team;
  }

  async function showUploadPage(request: FastifyRequest, reply: FastifyReply, problem?: string) {
    const team = await teamOf(request);
    const [count] = await database.query<{ records: number }>(
      'SELECT count(*)::int AS records FROM referral WHERE team_id = $1',
      [team.id],
    );
    return reply.code(problem ? 400 : 200).page('uploads/upload.njk', {
      title: `Upload data for ${team.name}`,
      width: 'full',
      team,
      records: count?.records ?? 0,
      history: await uploadHistory(database, team.id),
      form: problem
        ? {
            values: {},
            errors: { file: { text: problem } },
            errorList: [{ text: problem, href: '#file' }],
          }
        : undefined,
      maxFiles: MAX_FILES_PER_UPLOAD,
    });
  }

  /** The check page: every error (nothing saved), or what Confirm will change. */
  function showCheck(
    reply: FastifyReply,
    team: { id: number; name: string },
    view: {
      errors: readonly Problem[];
      pending: PendingUpload;
      comparison: UploadComparison | null;
    },
    checkId?: string,
  ) {
    const { errors, pending, comparison } = view;
    const csv = problemsCsv([...errors, ...pending.warnings]);
    return reply.code(errors.length > 0 ? 422 : 200).page('uploads/check.njk', {
      title:
        errors.length > 0
          ? `There are problems with ${pending.fileNames.join(', ')}`
          : `Check your upload for ${team.name}`,
      width: 'full',
      team,
      fileNames: pending.fileNames,
      checkId,
      form:
        errors.length > 0
          ? {
              values: {},
              errors: {},
              errorList: [
                {
                  text: `${errors.length} ${errors.length === 1 ? 'problem' : 'problems'} must be fixed in the spreadsheet before it can be saved. Nothing has been saved.`,
                  href: '#errors',
                },
              ],
            }
          : undefined,
      errorRows: problemRows(errors),
      warningRows: problemRows(pending.warnings),
      problemsCsvHref: `data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`,
      comparison,
      changedRows: (comparison?.changedRecords ?? [])
        .slice(0, 200)
        .map(({ record, changedColumns }) => [
          { text: record.specialist },
          { text: record.referralDate },
          { text: changedColumns.join(', ') },
        ]),
      newSpecialists: pending.newSpecialists,
      columnsNotRead: pending.columnsNotRead,
      recordCount: pending.records.length,
    });
  }

  async function findPending(
    request: FastifyRequest,
    teamId: number,
  ): Promise<PendingUpload | null> {
    const { checkId } = request.params as { checkId: string };
    const since = new Date(clock().getTime() - PENDING_MINUTES * 60_000);
    const [row] = await database.query<{ payload: PendingUpload }>(
      `SELECT payload FROM pending_upload
        WHERE id_hash = $1 AND team_id = $2 AND account_id = $3 AND created_at > $4`,
      [hashSecretToken(checkId), teamId, (request.viewer as Viewer).accountId, since],
    );
    return row?.payload ?? null;
  }

  return {
    /** The first step for someone leading several teams: which team's data is this? */
    async chooseTeam(request: FastifyRequest, reply: FastifyReply) {
      const viewer = request.viewer as Viewer;
      const teams = [];
      for (const assignment of viewer.assignments) {
        if (assignment.scopeType !== 'team' || assignment.scopeId === null) continue;
        const team = await findTeam(database, assignment.scopeId);
        if (team && canUploadForTeam(viewer, teamPlace(team))) teams.push(team);
      }
      if (teams.length === 0) throw forbidden();
      if (teams.length === 1) return reply.redirect(`/teams/${teams[0]?.id}/upload`);
      return reply.page('uploads/choose-team.njk', {
        title: 'Which team is this data for?',
        teams,
      });
    },

    show: (request: FastifyRequest, reply: FastifyReply) => showUploadPage(request, reply),

    async upload(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      let files: SpreadsheetFile[];
      try {
        ({ files } = await readUploadedFiles(request.parts({ limits: MULTIPART_LIMITS })));
      } catch (error) {
        if (error instanceof UploadRefused) return showUploadPage(request, reply, error.message);
        throw error;
      }
      const fileNames = files.map((file) => file.name);
      const check = await checkTeamUpload(services, team.id, files);
      const pending = pendingUploadOf(check, fileNames, check.dataVersion);
      if (check.comparison === null) {
        const errors = check.ingest.problems.filter((problem) => problem.severity === 'error');
        return showCheck(reply, team, { errors, pending, comparison: null });
      }
      const { token, hash } = newSecretToken();
      const now = clock();
      await database.query('DELETE FROM pending_upload WHERE created_at < $1', [
        new Date(now.getTime() - PENDING_MINUTES * 60_000),
      ]);
      await database.query(
        `INSERT INTO pending_upload (id_hash, team_id, account_id, created_at, file_names, payload)
         VALUES ($1, $2, $3, $4, $5, $6::jsonb)`,
        [
          hash,
          team.id,
          (request.viewer as Viewer).accountId,
          now,
          fileNames.join(', '),
          JSON.stringify(pending),
        ],
      );
      return reply.redirect(`/teams/${team.id}/upload/check/${token}`);
    },

    async check(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const pending = await findPending(request, team.id);
      if (pending === null)
        return reply
          .code(404)
          .page('uploads/check-expired.njk', { title: 'This check has expired', team });
      const comparison = compareWithStored(await storedRecords(database, team.id), pending.records);
      const { checkId } = request.params as { checkId: string };
      return showCheck(reply, team, { errors: [], pending, comparison }, checkId);
    },

    async confirm(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const pending = await findPending(request, team.id);
      if (pending === null)
        return reply
          .code(404)
          .page('uploads/check-expired.njk', { title: 'This check has expired', team });
      const { checkId } = request.params as { checkId: string };
      const saved = await confirmUpload(
        services,
        team.id,
        request.viewer as Viewer,
        pending,
        async (transaction) => {
          const claimed = await transaction.query(
            'DELETE FROM pending_upload WHERE id_hash = $1 RETURNING 1',
            [hashSecretToken(checkId)],
          );
          return claimed.length === 1;
        },
      );
      if (saved === null) return reply.redirect(`/teams/${team.id}/upload`);
      if (saved === 'changed')
        return reply.code(409).page('uploads/data-changed.njk', {
          title: "The team's data changed while you were checking",
          team,
        });
      return reply.redirect(`/teams/${team.id}/upload/done/${saved.uploadId}`);
    },

    async done(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const uploadId = idParameter(request.params, 'uploadId');
      const entry = (await uploadHistory(database, team.id)).find(
        (upload) => upload.id === uploadId,
      );
      if (entry === undefined) throw notFound();
      return reply.page('uploads/done.njk', { title: 'Upload saved', team, upload: entry });
    },

    async rollBack(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const uploadId = idParameter(request.params, 'uploadId');
      const viewer = request.viewer as Viewer;
      const now = clock();
      const done = await database.transaction(async (transaction) => {
        await takeTeamData(transaction, team.id, null);
        if (!(await rollBackTo(transaction, team.id, uploadId, viewer.accountId, now)))
          return false;
        await recordAudit(transaction, now, {
          actorAccountId: viewer.accountId,
          action: 'rolled back data',
          subject: `team ${team.id}`,
          detail: `to the state after upload ${uploadId}`,
        });
        return true;
      });
      if (!done) throw notFound();
      return reply.redirect(`/teams/${team.id}/upload?rolledBack=${uploadId}`);
    },
  };
}
