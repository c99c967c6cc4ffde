import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SpreadsheetFile } from '../../ingest/ingest.ts';
import { findTeam, teamPlace } from '../../organisations/organisations.ts';
import { canUploadForTeam, type Viewer } from '../../permissions/permissions.ts';
import { CHANGED_RECORDS_SHOWN, type UploadCheckView } from '../../uploads/check-upload.ts';
import { teamRecordCount, uploadHistory } from '../../uploads/upload-store.ts';
import {
  confirmUploadCheck,
  previewRollBack,
  rollBackTeamData,
  startUploadCheck,
  type UploadCheckState,
  uploadCheckState,
} from '../../uploads/upload-use-cases.ts';
import { PROBLEM_KINDS, type Problem, problemsCsv } from '../../validation/problems.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import {
  MAX_FILES_PER_UPLOAD,
  MULTIPART_LIMITS,
  readUploadedFiles,
  UploadRefused,
} from './uploaded-files.ts';

/** Set after a roll-back, naming the upload gone back to, for the upload page's banner. */
const rolledBackQuery = z
  .object({ rolledBack: z.coerce.number().int().positive().optional().catch(undefined) })
  .catch({});

/** A check's address: an id nobody can guess; one that matches no check shows "expired". */
const checkParameters = z.object({ checkId: z.string() }).catch({ checkId: '' });

/**
 * How long the upload and Confirm wait for the work before answering: a usual upload goes
 * straight to its check page or done page, a long one to its progress page meanwhile.
 */
const WAIT_BEFORE_PROGRESS_MS = 1_500;

function finishedWithin(work: Promise<unknown>, milliseconds: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Errors show the value as typed; warnings come without one, since the kept check holds none. */
function problemRows(problems: readonly Problem[], { withValue }: { withValue: boolean }) {
  return problems.map((problem) => [
    { text: problem.file },
    { text: problem.row === null ? 'Whole file' : String(problem.row) },
    { text: problem.column ?? '' },
    ...(withValue ? [{ text: problem.value ?? '' }] : []),
    { text: `${problem.description} ${problem.fix}` },
  ]);
}

/**
 * The page lists this many problems of each kind (and errors in all); the download has every
 * one. A team's whole spreadsheet can have a warning on each of thousands of rows, which would
 * make the page slow to build and to read.
 */
const PROBLEMS_LISTED = 100;
const ERRORS_LISTED = 1_000;

/** Problems by kind, in the order each kind first appears, with how many of each. */
function problemsByKind(problems: readonly Problem[]) {
  const kinds = new Map<Problem['code'], Problem[]>();
  for (const found of problems) {
    const ofKind = kinds.get(found.code);
    if (ofKind === undefined) kinds.set(found.code, [found]);
    else ofKind.push(found);
  }
  return [...kinds].map(([code, ofKind]) => ({
    code,
    title: PROBLEM_KINDS[code],
    count: ofKind.length,
    rows: problemRows(ofKind.slice(0, PROBLEMS_LISTED), { withValue: false }),
  }));
}

/** The progress page's stages, each with where it has got to. */
function progressStages(state: Extract<UploadCheckState, { kind: 'working' }>) {
  const rows = (count: number) =>
    `${count.toLocaleString('en-GB')} ${count === 1 ? 'row' : 'rows'}`;
  const order = ['reading', 'checking', 'saving'] as const;
  const at = order.indexOf(state.stage);
  const saving =
    state.rowsToSave === null
      ? ''
      : `${state.rowsDone.toLocaleString('en-GB')} of ${rows(state.rowsToSave)} saved`;
  return [
    { name: 'Reading the files', done: at > 0, now: at === 0, detail: '' },
    {
      name: 'Checking the rows',
      done: at > 1,
      now: at === 1,
      detail: at === 1 ? `${rows(state.rowsDone)} checked so far` : '',
    },
    { name: 'Saving the records', done: false, now: at === 2, detail: at === 2 ? saving : '' },
  ];
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
    const history = await uploadHistory(database, team.id);
    const { rolledBack } = rolledBackQuery.parse(request.query ?? {});
    const restored = history.find(
      (entry) => entry.id === rolledBack && entry.rolledBackAt === null,
    );
    return reply.code(problem ? 400 : 200).page('uploads/upload.njk', {
      title: `Upload data for ${team.name}`,
      width: 'full',
      team,
      records: await teamRecordCount(database, team.id),
      history,
      // The newest upload not rolled back is the one in force; every older one can be gone back to.
      inForceId: history.find((entry) => entry.rolledBackAt === null)?.id,
      notice:
        restored === undefined || problem
          ? undefined
          : `${team.name}'s data is back to how it was after the upload of ${restored.fileNames || 'that upload'}. The later uploads no longer count; they stay in the history.`,
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
    view: UploadCheckView,
    checkId: string,
  ) {
    const { errors, counts } = view;
    return reply.code(errors.length > 0 ? 422 : 200).page('uploads/check.njk', {
      title:
        errors.length > 0
          ? `There are problems with ${view.fileNames.join(', ')}`
          : `Check your upload for ${team.name}`,
      width: 'full',
      team,
      fileNames: view.fileNames,
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
      errorRows: problemRows(errors.slice(0, ERRORS_LISTED), { withValue: true }),
      errorsNotListed: Math.max(0, errors.length - ERRORS_LISTED),
      problemsListed: PROBLEMS_LISTED,
      errorKinds: problemsByKind(errors),
      // Blank optional columns are one line of the summary, not a warning each.
      blankColumns: view.warnings
        .filter((warning) => warning.code === 'emptyOptionalColumn')
        .map((warning) => warning.column),
      warningCount: view.warnings.length,
      warningKinds: problemsByKind(
        view.warnings.filter((warning) => warning.code !== 'emptyOptionalColumn'),
      ),
      problemsCsvHref: `${checkAddress(team.id, checkId)}/problems.csv`,
      counts,
      changed: view.changed,
      moreChangedThanShown: (counts?.changed ?? 0) > CHANGED_RECORDS_SHOWN,
      changedShown: CHANGED_RECORDS_SHOWN,
      newSpecialists: view.newSpecialists,
      columnsNotRead: view.columnsNotRead,
      recordCount: view.recordCount,
    });
  }

  /** The check this person is on, from the check page's address. */
  function checkOf(request: FastifyRequest, teamId: number) {
    const { checkId } = checkParameters.parse(request.params);
    return { checkId, teamId, accountId: (request.viewer as Viewer).accountId };
  }

  const checkAddress = (teamId: number, checkId: string) =>
    `/teams/${teamId}/upload/check/${checkId}`;

  const showExpired = (reply: FastifyReply, team: { id: number; name: string }) =>
    reply.code(404).page('uploads/check-expired.njk', { title: 'This check has expired', team });

  /** Work that goes on after the answer: a stopping server waits for it, a fault is logged. */
  function keepInHand(work: Promise<void>, request: FastifyRequest) {
    const logged = work.catch((error: unknown) => {
      request.log.error({ err: error, event: 'upload-fault' }, 'an upload in hand failed');
    });
    services.lifecycle.keepInHand(logged);
    return logged;
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
      const { checkId, finished } = await startUploadCheck(services, {
        teamId: team.id,
        accountId: (request.viewer as Viewer).accountId,
        files,
      });
      await finishedWithin(keepInHand(finished, request), WAIT_BEFORE_PROGRESS_MS);
      return reply.redirect(checkAddress(team.id, checkId), 303);
    },

    /** The check's address: its progress while in hand, then the check, then the saved upload. */
    async check(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const check = checkOf(request, team.id);
      const state = await uploadCheckState(services, check);
      if (state === null) return showExpired(reply, team);
      switch (state.kind) {
        case 'working':
          return reply.page('uploads/check-progress.njk', {
            title: state.stage === 'saving' ? 'Saving your upload' : 'Checking your upload',
            team,
            stages: progressStages(state),
            progressHref: `${checkAddress(team.id, check.checkId)}/progress`,
          });
        case 'stalled':
          return reply.code(503).page('uploads/check-stopped.njk', {
            title:
              state.stage === 'saving'
                ? 'Saving your upload stopped'
                : 'Checking your upload stopped',
            team,
          });
        case 'refused':
          return reply.code(422).page('uploads/check-refused.njk', {
            title: 'Your upload could not be checked',
            team,
            reason: state.reason,
          });
        case 'data-changed':
          return reply.code(409).page('uploads/data-changed.njk', {
            title: "The team's data changed while you were checking",
            team,
          });
        case 'saved':
          return reply.redirect(`/teams/${team.id}/upload/done/${state.uploadId}`, 303);
        case 'checked':
          return showCheck(reply, team, state.view, check.checkId);
      }
    },

    /** Every problem of a finished check, with where it is and what to do, for a spreadsheet. */
    async problems(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const state = await uploadCheckState(services, checkOf(request, team.id));
      if (state?.kind !== 'checked') throw notFound();
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="upload-problems.csv"')
        .send(problemsCsv([...state.view.errors, ...state.view.warnings]));
    },

    /** What the progress page's script asks every few seconds. */
    async progress(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const state = await uploadCheckState(services, checkOf(request, team.id));
      if (state?.kind !== 'working') return reply.send({ finished: true });
      return reply.send({ finished: false, stages: progressStages(state) });
    },

    async confirm(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const check = checkOf(request, team.id);
      const confirmed = await confirmUploadCheck(services, check);
      if (confirmed === 'expired') return showExpired(reply, team);
      if (confirmed !== 'not-ready') {
        await finishedWithin(keepInHand(confirmed.finished, request), WAIT_BEFORE_PROGRESS_MS);
      }
      return reply.redirect(checkAddress(team.id, check.checkId), 303);
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

    /** Before a roll-back: what it will undo, and how many records the team will have. */
    async confirmRollBack(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const uploadId = idParameter(request.params, 'uploadId');
      const preview = await previewRollBack(services, { teamId: team.id, uploadId });
      if (preview === null) throw notFound();
      return reply.page('uploads/roll-back.njk', {
        title: 'Roll back to this upload?',
        team,
        ...preview,
      });
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
