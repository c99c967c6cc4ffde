import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { londonToday } from '../../calendar/london-today.ts';
import { formatDate } from '../../calendar/nhs-dates.ts';
import { drillDescription, drillOf } from '../../dashboards/drill-through.ts';
import {
  financialYear,
  PERIOD_PRESETS,
  periodText,
  resolvePeriod,
} from '../../dashboards/period.ts';
import { recordsBehindFigure } from '../../dashboards/scope-records.ts';
import type { MetricsQuery } from '../../metrics/compute.ts';
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
import { writeCsv } from '../../spreadsheet/csv/csv-writer.ts';
import { writeXlsx } from '../../spreadsheet/xlsx/xlsx-writer.ts';
import { EXTRACT_HEADINGS, extractRow } from '../../uploads/extract.ts';
import { findTeamRecord } from '../../uploads/upload-store.ts';
import { removeRecordEnteredInError } from '../../uploads/upload-use-cases.ts';
import { withinTeams } from '../dashboards/dashboards.ts';
import { forbidden, idParameter, notFound } from '../http-errors.ts';
import { printHeader } from '../layout/print-header.ts';
import type { Services } from '../services.ts';

/** A link's parameters, each given once as text: the figure it asks for, and the links onwards. */
const linkParameters = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((parameters) =>
    Object.fromEntries(
      Object.entries(parameters).filter(
        (entry): entry is [string, string] => typeof entry[1] === 'string',
      ),
    ),
  );

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
  format: z.enum(['csv', 'xlsx']).optional().catch(undefined),
  /** On a service's records: the part of it the dashboard was narrowed to. */
  within: z.string().optional().catch(undefined),
});

/** What a records link asks for: its fields read, and its parameters as they came. */
function readRecordsLink(request: FastifyRequest) {
  const parameters = linkParameters.parse(request.query ?? {});
  return { parameters, read: recordsQuery.parse(parameters) };
}

export function recordHandlers(services: Services) {
  const { database, clock } = services;

  async function teamOf(request: FastifyRequest) {
    const team = await findTeam(database, idParameter(request.params, 'teamId'));
    if (team === null) throw notFound();
    return team;
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
    { parameters, read }: ReturnType<typeof readRecordsLink>,
  ) {
    // A link that asks for no figure, or one that isn't, lists every record.
    const drill = drillOf(parameters);
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
    // One specialist's records are ES-level detail: the team's leader's (docs/DESIGN.md's table).
    if (
      read.specialist !== undefined &&
      !place.teams.every((team) => canViewSpecialists(viewer, teamPlace(team)))
    ) {
      throw forbidden();
    }
    const behind = await recordsBehindFigure(database, {
      teamIds: place.teams.map(({ id }) => id),
      drill,
      query,
      specialist: read.specialist,
    });
    if (behind === null) throw notFound();
    const { records: shown, jobStarts, counted } = behind;
    const teamNames = new Map(place.teams.map((team) => [team.id, team.name]));
    const byTeam = place.teams.length > 1;
    const { format } = read;
    if (format !== undefined) {
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
    const here = new URLSearchParams(parameters);
    here.delete('format');
    const removable = new Set(
      place.teams.filter((team) => canUploadForTeam(viewer, teamPlace(team))).map(({ id }) => id),
    );
    return reply.page('records/records.njk', {
      csvHref: `${place.href}?${new URLSearchParams([...here, ['format', 'csv']])}`,
      xlsxHref: `${place.href}?${new URLSearchParams([...here, ['format', 'xlsx']])}`,
      title: drill ? `Records behind ${drillDescription(drill)}` : `Records of ${place.name}`,
      width: 'full',
      printHeader: printHeader(
        clock(),
        place.name,
        drill ? periodText(period) : 'All records',
        formatDate(today),
      ),
      // Nine columns of dates and statuses do not fit across a portrait page.
      printLandscape: true,
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
      return showRecords(
        request,
        reply,
        {
          name: team.name,
          href: `/teams/${team.id}/records`,
          dashboardHref: `/teams/${team.id}/dashboard`,
          teams: [team],
        },
        readRecordsLink(request),
      );
    },

    /** A service's records, or those of a part of it the dashboard was narrowed to. */
    async listService(request: FastifyRequest, reply: FastifyReply) {
      const service = await findService(database, idParameter(request.params, 'serviceId'));
      if (service === null) throw notFound();
      const teams = await teamsOfService(database, service.id);
      const link = readRecordsLink(request);
      const part = withinTeams(teams, ['ics', 'team']).find(
        ({ value }) => value === link.read.within,
      );
      return showRecords(
        request,
        reply,
        {
          name: part ? `${service.name}, ${part.text}` : service.name,
          href: `/services/${service.id}/records`,
          dashboardHref: `/services/${service.id}/dashboard`,
          teams: part ? teams.filter(({ id }) => part.teamIds.includes(id)) : teams,
        },
        link,
      );
    },

    async confirmRemoval(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const found = await findTeamRecord(
        database,
        team.id,
        idParameter(request.params, 'referralId'),
      );
      if (found === null) throw notFound();
      const { record, id } = found;
      return reply.page('records/remove.njk', { title: 'Remove this record?', team, id, record });
    },

    async remove(request: FastifyRequest, reply: FastifyReply) {
      const team = await teamOf(request);
      const referralId = idParameter(request.params, 'referralId');
      const removed = await removeRecordEnteredInError(services, {
        teamId: team.id,
        accountId: (request.viewer as Viewer).accountId,
        referralId,
      });
      if (!removed) throw notFound();
      return reply.redirect(`/teams/${team.id}/records?removed=1`);
    },
  };
}
