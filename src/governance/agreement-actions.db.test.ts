import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import {
  createTestAccount,
  openSeededDatabase,
  role,
  type seedOrganisations,
} from '../../test/support/test-web.ts';
import { loadViewer } from '../accounts/viewer.ts';
import type { Database } from '../database/database.ts';
import {
  acceptDataSharingInForce,
  acceptTermsInForce,
  dataSharingStatusesFor,
  hasAcceptedTermsInForce,
  publishAgreementVersion,
} from './agreement-actions.ts';
import { currentAgreementVersion } from './agreements.ts';

for (const testDatabase of testDatabases()) {
  describe(`publishing and accepting the agreements (${testDatabase.driver})`, () => {
    let database: Database;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let admin: number;
    const now = new Date('2026-06-01T10:00:00Z');
    const context = () => ({ database, clock: () => now });
    const viewerOf = async (accountId: number) => {
      const viewer = await loadViewer(database, accountId);
      if (viewer === null) throw new Error('no such account');
      return viewer;
    };

    before(async () => {
      ({ database, orgs, admin } = await openSeededDatabase(testDatabase));
    });
    after(() => database.close());

    it('asks everyone to accept the terms again once a new version is published', async () => {
      const person = await createTestAccount(database, 'person@nhs.net', []);
      assert.equal(await hasAcceptedTermsInForce(database, person), true);
      const read = await currentAgreementVersion(database, 'end-user');
      const published = await publishAgreementVersion(context(), 'end-user', 'New terms', admin);
      assert.equal(published, read + 1);
      assert.equal(await hasAcceptedTermsInForce(database, person), false);

      assert.equal(await acceptTermsInForce(context(), person, read), false, 'the old version');
      assert.equal(await hasAcceptedTermsInForce(database, person), false);
      assert.equal(await acceptTermsInForce(context(), person, published), true);
      assert.equal(await hasAcceptedTermsInForce(database, person), true);
    });

    it("lets only the service's data governance lead accept its data sharing agreement", async () => {
      const lead = await viewerOf(
        await createTestAccount(database, 'lead@nhs.net', [
          role('service-manager', { serviceId: orgs.serviceB, dataGovernanceLead: 'yes' }),
        ]),
      );
      const manager = await viewerOf(
        await createTestAccount(database, 'manager@nhs.net', [
          role('service-manager', { serviceId: orgs.serviceB }),
        ]),
      );
      assert.deepEqual(
        (await dataSharingStatusesFor(database, lead)).map((status) => status.serviceId),
        [orgs.serviceB],
      );
      assert.deepEqual(await dataSharingStatusesFor(database, manager), []);

      const read = await currentAgreementVersion(database, 'data-sharing');
      const accept = (version: number) => ({ serviceId: orgs.serviceB, version });
      assert.equal(await acceptDataSharingInForce(context(), manager, accept(read)), 'not-allowed');
      await publishAgreementVersion(context(), 'data-sharing', 'New agreement', admin);
      assert.equal(await acceptDataSharingInForce(context(), lead, accept(read)), 'not-in-force');
      assert.equal(await acceptDataSharingInForce(context(), lead, accept(read + 1)), 'accepted');
      const [status] = await dataSharingStatusesFor(database, lead);
      assert.equal(status?.acceptedVersion, read + 1);
      assert.equal(status?.acceptedBy, 'lead');
    });
  });
}
