import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Viewer } from '../../permissions/permissions.ts';
import { CheckRefused } from '../../uploads/check-pool.ts';
import { checkTeamUploadNow, saveCheckedUpload } from '../../uploads/upload-use-cases.ts';
import type { Problem } from '../../validation/problems.ts';
import { idParameter } from '../http-errors.ts';
import type { Services } from '../services.ts';
import {
  MULTIPART_LIMITS,
  readUploadedFiles,
  type UploadedForm,
  UploadRefused,
} from '../uploads/uploaded-files.ts';

/** `dryRun` may come in the query or as a form field; the query wins. */
const uploadQuery = z.object({ dryRun: z.string().optional().catch(undefined) }).catch({});

function problemJson(problem: Problem) {
  const { severity, code, file, sheet, row, column, value, description, fix } = problem;
  return { severity, code, file, sheet, row, column, value, description, fix };
}

/**
 * `POST /api/v1/teams/:teamId/uploads`: what a case-management system sends instead of the form.
 * The same check as the check page; saved at once unless `dryRun=true`; 422 with every problem.
 */
export function uploadApiHandlers(services: Services) {
  return {
    async upload(request: FastifyRequest, reply: FastifyReply) {
      const teamId = idParameter(request.params, 'teamId');
      let form: UploadedForm;
      try {
        form = await readUploadedFiles(request.parts({ limits: MULTIPART_LIMITS }));
      } catch (error) {
        if (error instanceof UploadRefused) return reply.code(400).send({ error: error.message });
        throw error;
      }
      const query = uploadQuery.parse(request.query ?? {});
      const dryRun = (query.dryRun ?? form.fields.get('dryRun')) === 'true';
      const check = await checkTeamUploadNow(services, teamId, form.files);
      if (check instanceof CheckRefused) {
        // Busy is the service's state, not the file's: the caller sends it again later.
        if (check.busy) reply.code(503).header('retry-after', '120');
        else reply.code(422);
        return reply.send({ dryRun, saved: false, error: check.message });
      }
      const { view, problems } = check;
      const changed = check.changed.map((record) => ({
        ...record,
        changedColumns: record.changes.map(({ column }) => column),
      }));
      const base = {
        dryRun,
        files: view.fileNames,
        errors: problems.filter((problem) => problem.severity === 'error').map(problemJson),
        warnings: problems.filter((problem) => problem.severity === 'warning').map(problemJson),
        newSpecialists: view.newSpecialists,
      };
      if (view.counts === null) return reply.code(422).send({ ...base, saved: false });
      if (dryRun) return reply.send({ ...base, saved: false, counts: view.counts, changed });
      const saved = await saveCheckedUpload(services, {
        teamId,
        accountId: (request.viewer as Viewer).accountId,
        fileNames: view.fileNames,
        dataVersion: check.dataVersion,
        counts: view.counts,
        specialists: view.specialists,
        records: check.recordsToSave,
      });
      if (saved === 'changed') {
        return reply.code(409).send({
          ...base,
          saved: false,
          error:
            "The team's data changed while this upload was being checked (another upload or a roll-back). Send it again.",
        });
      }
      return reply.code(201).send({
        ...base,
        saved: true,
        uploadId: saved.uploadId,
        counts: saved.counts,
        changed,
      });
    },
  };
}
