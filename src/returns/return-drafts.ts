import type { AppContext } from '../application/context.ts';
import { londonToday } from '../calendar/london-today.ts';
import { derivedRecords } from '../dashboards/scope-records.ts';
import { reviewsOfServices } from '../fidelity/fidelity-store.ts';
import type { AreaPlace } from '../permissions/permissions.ts';
import { type Quarter, quarterEnd } from './quarters.ts';
import { type AutoFigures, autoFigures, type ReturnForm, rollUp } from './return-content.ts';
import type { ReturnListing } from './return-store.ts';

/**
 * What a quarterly return is filled in from: the data's figures for the service's teams in the
 * ICS, the latest fidelity review, and an area's totals of the returns submitted.
 */

/** The data's figures for the quarter, or null when the teams have no records. */
export async function figuresFromData(
  { database, clock }: Pick<AppContext, 'database' | 'clock'>,
  teamIds: readonly number[],
  quarter: Quarter,
): Promise<AutoFigures | null> {
  const records = await derivedRecords(database, teamIds);
  if (records.length === 0) return null;
  return autoFigures(records, quarter, londonToday(clock()));
}

/** A new return starts with the service's latest fidelity review by the quarter's end, if any. */
export async function startingDraft(
  { database }: Pick<AppContext, 'database'>,
  serviceId: number,
  quarter: Quarter,
): Promise<ReturnForm> {
  const latest = (await reviewsOfServices(database, [serviceId])).find(
    (review) => review.reviewDate <= quarterEnd(quarter),
  );
  return latest
    ? {
        fidelityDate: latest.reviewDate,
        fidelityType: latest.reviewType,
        fidelityScore: String(latest.total),
      }
    : {};
}

/**
 * An area's totals of the returns submitted: by ICS (above an ICS), by region (in England), and
 * for the whole area.
 */
export function areaRollUps(
  listings: readonly ReturnListing[],
  area: { readonly name: string; readonly place: AreaPlace },
  suppressSmallNumbers: boolean,
) {
  const submitted = listings.flatMap((listing) => (listing.content ? [listing] : []));
  const groups = (key: (listing: ReturnListing) => string) =>
    [...new Set(submitted.map(key))].map((name) => ({
      name,
      totals: rollUp(
        submitted.flatMap((listing) =>
          key(listing) === name && listing.content ? [listing.content] : [],
        ),
        suppressSmallNumbers,
      ),
    }));
  return [
    ...(area.place.type === 'ics' ? [] : groups((listing) => `ICS: ${listing.icsName}`)),
    ...(area.place.type === 'national' ? groups((listing) => `Region: ${listing.regionName}`) : []),
    {
      name: `All of ${area.name}`,
      totals: rollUp(
        submitted.flatMap(({ content }) => (content ? [content] : [])),
        suppressSmallNumbers,
      ),
    },
  ];
}
