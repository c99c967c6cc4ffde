import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.ts';
import { londonToday } from '../../calendar/london-today.ts';
import { drillDescription, drillOf, isBehind } from '../../dashboards/drill-through.ts';
import { financialYear, PERIOD_PRESETS, resolvePeriod } from '../../dashboards/period.ts';
import type { MetricsQuery } from '../../metrics/compute.ts';
import { deriveRecord } from '../../metrics/derive.ts';
import { findTeam, teamPlace } from '../../organisations/organisations.ts';
import { canUploadForTeam, type Viewer } from '../../permissions/permissions.ts';
import type { ReferralRecord } from '../../referrals/referral-record.ts';
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { EXTRACT_HEADINGS, extractRow } from '../../uploads/extract.ts';
import { removeRecord, takeTeamData } from '../../uploads/upload-store.ts';
import { idParameter, notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';

const recordsQuery = z.object({
  period: z.enum(PERIOD_PRESETS).catch('this-financial-year'),
  from: z.string().optional(),
  to: z.string().optional(),
  employmentStatus: z.enum(['all', 'out-of-work', 'in-work']).catch('all'),
  specialist: z
    .string()
    .regex(/^[A-Z]{1,5}$/)
    .optional()
    .catch(undefined),
});

export function recordHandlers(services: Services) {
  const { database, clock } = services;

  async function teamOf(request: FastifyRequest) {
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    return team;
  }

  async function findRecord(teamId: number, referralId: number) {
    const [row] = await database.query<{ id: number; record: ReferralRecord }>(
      'SELECT id, record FROM referral WHERE id = $1 AND team_id = $2',
      [referralId, teamId],
    );
    if (row === undefined) throw notFound();
    return row;
  }

  return {
    async list(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const read = recordsQuery.parse(request.query ?? {});
      // A link that asks for no figure, or one that isn't, lists every record of the team.
      const drill = drillOf((request.query ?? {}) as Record<string, string | undefined>);
      const today = londonToday(clock());
      const resolved = resolvePeriod(read.period, today, read);
      const period = resolved.ok ? resolved.period : financialYear(today);
      const query: MetricsQuery = {
        from: period.from,
        to: period.to,
        today,
        employmentStatus: read.employmentStatus,
      };
      const rows = await database.query<{ id: number; record: ReferralRecord }>(
        'SELECT id, record FROM referral WHERE team_id = $1 ORDER BY referral_date DESC, specialist, id',
        [team.id],
      );
      const shown = rows.filter(
        ({ record }) =>
          (read.specialist === undefined || record.specialist === read.specialist) &&
          (drill === null || isBehind(deriveRecord(record), drill, query)),
      );
      const format = (request.query as { format?: string } | undefined)?.format;
      if (format === 'csv' || format === 'xlsx') {
        const rows = shown.map(({ record }) => extractRow(record));
        const fileName = `${team.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-records.${format}`;
        reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
        return format === 'csv'
          ? reply
              .type('text/csv; charset=utf-8')
              .send(writeCsv(EXTRACT_HEADINGS, rows, { neutraliseFormulas: true }))
          : reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(
              Buffer.from(
                writeXlsx([{ name: 'Records', rows: [EXTRACT_HEADINGS, ...rows] }], {
                  boldFirstRow: true,
                }),
              ),
            );
      }
      const here = new URLSearchParams(request.query as Record<string, string>);
      here.delete('format');
      return reply.page('records/records.njk', {
        csvHref: `/teams/${team.id}/records?${new URLSearchParams([...here, ['format', 'csv']])}`,
        xlsxHref: `/teams/${team.id}/records?${new URLSearchParams([...here, ['format', 'xlsx']])}`,
        title: drill ? `Records behind ${drillDescription(drill)}` : `Records of ${team.name}`,
        width: 'full',
        team,
        period: drill ? period : null,
        specialist: read.specialist,
        canRemove: canUploadForTeam(request.viewer as Viewer, teamPlace(team)),
        records: shown.slice(0, 1000).map(({ id, record }) => ({
          id,
          specialist: record.specialist,
          referralDate: record.referralDate,
          firstContactDate: record.firstContactDate,
          vpStartDate: record.vpStartDate,
          firstJobStart: record.jobs.map((job) => job.startDate).sort()[0] ?? null,
          dischargeDate: record.dischargeDate,
          caseloadStatus: record.caseloadStatus,
          employmentStatus: record.employmentStatus,
        })),
        total: shown.length,
      });
    },

    async confirmRemoval(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const { record, id } = await findRecord(team.id, idParameter(request.params, 'referralId'));
      return reply.page('records/remove.njk', { title: 'Remove this record?', team, id, record });
    },

    async remove(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const referralId = idParameter(request.params, 'referralId');
      const viewer = request.viewer as Viewer;
      const now = clock();
      const removed = await database.transaction(async (transaction) => {
        await takeTeamData(transaction, team.id, null);
        if (!(await removeRecord(transaction, team.id, referralId, viewer.accountId, now)))
          return false;
        await recordAudit(transaction, now, {
          actorAccountId: viewer.accountId,
          action: 'removed record',
          subject: `team ${team.id}`,
          detail: `record ${referralId}`,
        });
        return true;
      });
      if (!removed) throw notFound();
      return reply.redirect(`/teams/${team.id}/records?removed=1`);
    },
  };
}
