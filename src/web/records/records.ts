import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { recordAudit } from '../../audit/audit-log.ts';
import { londonToday } from '../../calendar/london-today.ts';
import {
  drillDescription,
  drillOf,
  hasValue,
  isCountedInShare,
  SHARE_PARTS,
  shareOf,
  shareOfDrill,
} from '../../dashboards/drill-through.ts';
import { financialYear, PERIOD_PRESETS, resolvePeriod } from '../../dashboards/period.ts';
import type { MetricsQuery } from '../../metrics/compute.ts';
import { deriveRecord } from '../../metrics/derive.ts';
import {
  findService,
  findTeam,
  type Team,
  teamPlace,
  teamsOfService,
} from '../../organisations/organisations.ts';
import {
  canUploadForTeam,
  canViewSpecialists,
  type Viewer,
} from '../../permissions/permissions.ts';
import type { ReferralRecord } from '../../referrals/referral-record.ts';
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { EXTRACT_HEADINGS, extractRow } from '../../uploads/extract.ts';
import { removeRecord, takeTeamData } from '../../uploads/upload-store.ts';
import { withinTeams } from '../dashboards/dashboards.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
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

  /**
   * The records of some teams (one team's, or a service's), narrowed to those behind a figure
   * when the link asks: shown, or extracted as CSV or XLSX.
   */
  async function showRecords(
    request: FastifyRequest,
    reply: FastifyReply,
    place: {
      readonly name: string;
      readonly href: string;
      readonly dashboardHref: string;
      readonly teams: readonly Team[];
    },
  ) {
    const read = recordsQuery.parse(request.query ?? {});
    // A link that asks for no figure, or one that isn't, lists every record.
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
    const viewer = request.viewer as Viewer;
    // One specialist's records are ES-level detail: the team's leader's (DESIGN.md's table).
    if (
      read.specialist !== undefined &&
      !place.teams.every((team) => canViewSpecialists(viewer, teamPlace(team)))
    ) {
      throw forbidden();
    }
    const rows = await database.query<{ id: number; teamId: number; record: ReferralRecord }>(
      `SELECT id, team_id AS "teamId", record FROM referral WHERE team_id = ANY($1::int[])
        ORDER BY referral_date DESC, team_id, specialist, id`,
      [`{${place.teams.map(({ id }) => id).join(',')}}`],
    );
    const derived = rows.map((row) => ({ ...row, derived: deriveRecord(row.record) }));
    // A value of a field none of these records holds is no row of a dashboard: not echoed.
    const breakdown = drill?.breakdown;
    if (breakdown && !derived.some((row) => hasValue(row.derived, breakdown))) throw notFound();
    const shown = derived.flatMap((row) => {
      if (read.specialist !== undefined && row.record.specialist !== read.specialist) return [];
      const share = drill === null ? 1 : shareOf(row.derived, drill, query);
      return share > 0 ? [{ ...row, share }] : [];
    });
    // Job starts count jobs: one record can hold several.
    const jobStarts =
      drill?.figure.metric === 'jobStarts'
        ? shown.reduce((sum, { share }) => sum + share, 0)
        : null;
    // A share's records are those it is taken over; say how many it counts.
    const shareId = shareOfDrill(drill);
    const counted =
      shareId === null
        ? null
        : {
            count: shown.filter((row) => isCountedInShare(row.derived, shareId, query)).length,
            what: SHARE_PARTS[shareId],
          };
    const teamNames = new Map(place.teams.map((team) => [team.id, team.name]));
    const byTeam = place.teams.length > 1;
    const format = (request.query as { format?: string } | undefined)?.format;
    if (format === 'csv' || format === 'xlsx') {
      const headings = [...(byTeam ? ['Team'] : []), ...EXTRACT_HEADINGS];
      const extracted = shown.map(({ teamId, record }) => [
        ...(byTeam ? [teamNames.get(teamId) ?? ''] : []),
        ...extractRow(record),
      ]);
      const fileName = `${place.name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-records.${format}`;
      reply.header('Content-Disposition', `attachment; filename="${fileName}"`);
      return format === 'csv'
        ? reply
            .type('text/csv; charset=utf-8')
            .send(writeCsv(headings, extracted, { neutraliseFormulas: true }))
        : reply.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').send(
            Buffer.from(
              writeXlsx([{ name: 'Records', rows: [headings, ...extracted] }], {
                boldFirstRow: true,
              }),
            ),
          );
    }
    const here = new URLSearchParams(request.query as Record<string, string>);
    here.delete('format');
    const removable = new Set(
      place.teams.filter((team) => canUploadForTeam(viewer, teamPlace(team))).map(({ id }) => id),
    );
    return reply.page('records/records.njk', {
      csvHref: `${place.href}?${new URLSearchParams([...here, ['format', 'csv']])}`,
      xlsxHref: `${place.href}?${new URLSearchParams([...here, ['format', 'xlsx']])}`,
      title: drill ? `Records behind ${drillDescription(drill)}` : `Records of ${place.name}`,
      width: 'full',
      placeName: place.name,
      dashboardHref: place.dashboardHref,
      byTeam,
      period: drill ? period : null,
      specialist: read.specialist,
      canRemove: removable.size > 0,
      records: shown.slice(0, 1000).map(({ id, teamId, record }) => ({
        id,
        teamId,
        teamName: teamNames.get(teamId),
        removable: removable.has(teamId),
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
      jobStarts,
      counted,
    });
  }

  return {
    async list(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      return showRecords(request, reply, {
        name: team.name,
        href: `/teams/${team.id}/records`,
        dashboardHref: `/teams/${team.id}/dashboard`,
        teams: [team],
      });
    },

    /** A service's records, or those of a part of it the dashboard was narrowed to. */
    async listService(request: FastifyRequest, reply: FastifyReply) {
      const service = await findService(database, idParameter(request.params, 'serviceId'));
      if (service === null) throw notFound();
      const teams = await teamsOfService(database, service.id);
      const within = (request.query as { within?: string } | undefined)?.within;
      const part = withinTeams(teams, ['ics', 'team']).find(({ value }) => value === within);
      return showRecords(request, reply, {
        name: part ? `${service.name}, ${part.text}` : service.name,
        href: `/services/${service.id}/records`,
        dashboardHref: `/services/${service.id}/dashboard`,
        teams: part ? teams.filter(({ id }) => part.teamIds.includes(id)) : teams,
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
