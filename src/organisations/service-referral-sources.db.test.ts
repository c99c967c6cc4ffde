import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabaseWithTeam, testDatabases } from '../../test/support/test-databases.ts';
import type { Database } from '../database/database.ts';
import type { ServiceReferralSource } from '../spreadsheet/referral-sources.ts';
import { saveServiceReferralSources, serviceReferralSources } from './service-referral-sources.ts';

const listOf = (prefix: string, length: number): ServiceReferralSource[] =>
  Array.from({ length }, (_, index) => ({
    name: `${prefix} ${index + 1}`,
    category: 'Community mental health team',
  }));

for (const testDatabase of testDatabases()) {
  describe(`saving a service's referral sources (${testDatabase.driver})`, () => {
    let database: Database;
    let serviceId: number;
    let accountId: number;
    const context = () => ({ database, clock: () => new Date('2026-06-01T10:00:00Z') });

    before(async () => {
      let teamId: number;
      ({ database, teamId, accountId } = await openDatabaseWithTeam(testDatabase));
      const [team] = await database.query<{ serviceId: number }>(
        'SELECT service_id AS "serviceId" FROM team WHERE id = $1',
        [teamId],
      );
      serviceId = team?.serviceId ?? 0;
    });
    after(() => database.close());

    it('two saves at once both succeed, leaving one whole list of the two', async () => {
      const first = listOf('First', 8);
      const second = listOf('Second', 5);
      // Repeated, with the list there before and without, so that the saves overlap.
      for (let round = 0; round < 5; round++) {
        await Promise.all([
          saveServiceReferralSources(context(), { serviceId, accountId, sources: first }),
          saveServiceReferralSources(context(), { serviceId, accountId, sources: second }),
        ]);
        const kept = await serviceReferralSources(database, serviceId);
        assert.ok(
          [first, second].some((list) => JSON.stringify(list) === JSON.stringify(kept)),
          `round ${round}: ${JSON.stringify(kept)}`,
        );
        if (round % 2 === 1) {
          await saveServiceReferralSources(context(), { serviceId, accountId, sources: [] });
        }
      }
    });
  });
}
