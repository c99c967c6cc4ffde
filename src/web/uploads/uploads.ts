import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SpreadsheetFile } from '../../ingest/ingest.ts';
import { findTeam, teamPlace } from '../../organisations/organisations.ts';
import { canUploadForTeam, type Viewer } from '../../permissions/permissions.ts';
import type { PendingUpload } from '../../uploads/check-upload.ts';
import type { UploadComparison } from '../../uploads/compare-upload.ts';
import { teamRecordCount, uploadHistory } from '../../uploads/upload-store.ts';
import {
  checkTeamUpload,
  checkWaitingForConfirm,
  confirmPendingUpload,
  keepCheckForConfirm,
  rollBackTeamData,
} from '../../uploads/upload-use-cases.ts';
import { type Problem, problemsCsv } from '../../validation/problems.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import {
  MAX_FILES_PER_UPLOAD,
  MULTIPART_LIMITS,
  readUploadedFiles,
  UploadRefused,
} from './uploaded-files.ts';

/** A check's address: an id nobody can guess; one that matches no check shows "expired". */
const checkParameters = z.object({ checkId: z.string() }).catch({ checkId: '' });

/** Errors show the value as typed; warnings come from the kept check, which holds none. */
function problemRows(problems: readonly Problem[], { withValue }: { withValue: boolean }) {
  return problems.map((problem) => [
    { text: problem.file },
    { text: problem.row === null ? 'Whole file' : String(problem.row) },
    { text: problem.column ?? '' },
    ...(withValue ? [{ text: problem.value ?? '' }] : []),
    { text: `${problem.description} ${problem.fix}` },
  ]);
}

export function uploadHandlers(services: Services) {
  const { database } = services;

  async function teamOf(request: FastifyRequest) {
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    return team;
  }

  async function showUploadPage(request: FastifyRequest, reply: FastifyReply, problem?: string) {
    const team = await teamOf(request);
    return reply.code(problem ? 400 : 200).page('uploads/upload.njk', {
      title: `Upload data for ${team.name}`,
      width: 'full',
      team,
      records: await teamRecordCount(database, team.id),
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
      errorRows: problemRows(errors, { withValue: true }),
      warningRows: problemRows(pending.warnings, { withValue: false }),
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

  /** The check this person is on, from the check page's address. */
  function checkOf(request: FastifyRequest, teamId: number) {
    const { checkId } = checkParameters.parse(request.params);
    return { checkId, teamId, accountId: (request.viewer as Viewer).accountId };
  }

  const showExpired = (reply: FastifyReply, team: { id: number; name: string }) =>
    reply.code(404).page('uploads/check-expired.njk', { title: 'This check has expired', team });

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
      const check = await checkTeamUpload(services, team.id, files);
      if (check.comparison === null) {
        const errors = check.ingest.problems.filter((problem) => problem.severity === 'error');
        return showCheck(reply, team, { errors, pending: check.pending, comparison: null });
      }
      const checkId = await keepCheckForConfirm(services, {
        teamId: team.id,
        accountId: (request.viewer as Viewer).accountId,
        pending: check.pending,
      });
      return reply.redirect(`/teams/${team.id}/upload/check/${checkId}`);
    },

    async check(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const check = checkOf(request, team.id);
      const waiting = await checkWaitingForConfirm(services, check);
      if (waiting === null) return showExpired(reply, team);
      return showCheck(reply, team, { errors: [], ...waiting }, check.checkId);
    },

    async confirm(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const saved = await confirmPendingUpload(services, checkOf(request, team.id));
      if (saved === 'expired') return showExpired(reply, team);
      if (saved === 'already-confirmed') return reply.redirect(`/teams/${team.id}/upload`);
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
      const done = await rollBackTeamData(services, {
        teamId: team.id,
        accountId: (request.viewer as Viewer).accountId,
        uploadId,
      });
      if (!done) throw notFound();
      return reply.redirect(`/teams/${team.id}/upload?rolledBack=${uploadId}`);
    },
  };
}
