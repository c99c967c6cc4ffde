import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Viewer } from '../../permissions/permissions.ts';
import { pendingUploadOf } from '../../uploads/check-upload.ts';
import type { UploadComparison } from '../../uploads/compare-upload.ts';
import type { Problem } from '../../validation/problems.ts';
import { idParameter } from '../http-errors.ts';
import type { Services } from '../services.ts';
import {
  checkTeamUpload,
  confirmUpload,
  MULTIPART_LIMITS,
  readUploadedFiles,
  UploadRefused,
} from '../uploads/uploads.ts';

function problemJson(problem: Problem) {
  const { severity, code, file, sheet, row, column, value, description, fix } = problem;
  return { severity, code, file, sheet, row, column, value, description, fix };
}

function countsJson(comparison: UploadComparison) {
  return {
    new: comparison.newRecords.length,
    changed: comparison.changedRecords.length,
    unchanged: comparison.unchangedCount,
  };
}

/**
 * `POST /api/v1/teams/:teamId/uploads`: what a case-management system sends instead of the form.
 * The same check as the check page; saved at once unless `dryRun=true`; 422 with every problem.
 */
export function uploadApiHandlers(services: Services) {
  return {
    async upload(request: FastifyRequest, reply: FastifyReply) {
      const teamId = idParameter(request.params, 'teamId');
      let form: Awaited<ReturnType<typeof readUploadedFiles>>;
      try {
        form = await readUploadedFiles(request.parts({ limits: MULTIPART_LIMITS }));
      } catch (error) {
        if (error instanceof UploadRefused) return reply.code(400).send({ error: error.message });
        throw error;
      }
      const { query } = request as { query: { dryRun?: string } };
      const dryRun = (query.dryRun ?? form.fields.get('dryRun')) === 'true';
      const fileNames = form.files.map((file) => file.name);
      const check = await checkTeamUpload(services, teamId, form.files);
      const problems = check.ingest.problems;
      const base = {
        dryRun,
        files: fileNames,
        errors: problems.filter((problem) => problem.severity === 'error').map(problemJson),
        warnings: problems.filter((problem) => problem.severity === 'warning').map(problemJson),
        newSpecialists: check.ingest.newSpecialists,
      };
      if (check.comparison === null) return reply.code(422).send({ ...base, saved: false });
      const changed = check.comparison.changedRecords.map(({ record, changedColumns }) => ({
        specialist: record.specialist,
        referralDate: record.referralDate,
        changedColumns,
      }));
      if (dryRun) {
        return reply.send({ ...base, saved: false, counts: countsJson(check.comparison), changed });
      }
      const saved = await confirmUpload(
        services,
        teamId,
        request.viewer as Viewer,
        pendingUploadOf(check, fileNames, check.dataVersion),
      );
      if (saved === null) throw new Error('An upload without a claim was refused');
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
        counts: countsJson(saved.comparison),
        changed,
      });
    },
  };
}
