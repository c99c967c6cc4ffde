import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findIcs, findRegion } from '../../organisations/organisations.ts';
import { type AreaPlace, canViewReturn, type Viewer } from '../../permissions/permissions.ts';
import { labelOf, parseQuarter, quarterId } from '../../returns/quarters.ts';
import { listingStatus, returnsInArea } from '../../returns/return-store.ts';
import { notFound } from '../http-errors.ts';
import type { Services } from '../services.ts';
import { id, refuseInvalid } from './api-parameters.ts';

const returnsQuery = z.object({
  quarter: z
    .string()
    .refine((text) => parseQuarter(text) !== null, 'must be a calendar quarter, like 2024Q3'),
  region: id.optional(),
  ics: id.optional(),
});

/**
 * `GET /api/v1/returns?quarter=2024Q3[&region=|&ics=]`: each return in the area the caller may
 * see: the status of every one, and the content of the latest submitted version (never a draft).
 */
export function returnsApiHandlers(services: Services) {
  const { database } = services;

  async function areaOf(query: z.infer<typeof returnsQuery>): Promise<AreaPlace> {
    if (query.ics !== undefined) {
      const ics = await findIcs(database, query.ics);
      if (ics === null) throw notFound();
      return ics.place;
    }
    if (query.region !== undefined) {
      const region = await findRegion(database, query.region);
      if (region === null) throw notFound();
      return region.place;
    }
    return { type: 'national' };
  }

  return {
    async list(request: FastifyRequest, reply: FastifyReply) {
      const read = returnsQuery.safeParse(request.query ?? {});
      if (!read.success) return refuseInvalid(reply, read.error);
      const quarter = parseQuarter(read.data.quarter);
      if (quarter === null) throw notFound();
      const viewer = request.viewer as Viewer;
      const listings = await returnsInArea(database, await areaOf(read.data), quarterId(quarter));
      return listings
        .filter((listing) =>
          canViewReturn(
            viewer,
            {
              serviceId: listing.serviceId,
              icsIds: [listing.icsId],
              regionIds: [listing.regionId],
            },
            listing.version !== null,
          ),
        )
        .map((listing) => ({
          quarter: quarterId(quarter),
          quarterLabel: labelOf(quarter),
          service: { id: listing.serviceId, name: listing.serviceName },
          ics: { id: listing.icsId, name: listing.icsName },
          region: { id: listing.regionId, name: listing.regionName },
          status: listingStatus(listing),
          version: listing.version,
          submittedAt: listing.submittedAt,
          content: listing.content,
        }));
    },
  };
}
