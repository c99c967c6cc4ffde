import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testDatabases } from '../../test/support/test-databases.ts';
import { openSeededDatabase, type seedOrganisations } from '../../test/support/test-web.ts';
import type { Database } from '../database/database.ts';
import {
  changeSpecialist,
  changeTeam,
  createService,
  createTeam,
  renameService,
} from './organisation-changes.ts';
import { ensureSpecialists, specialistsOfTeam } from './organisations.ts';

for (const testDatabase of testDatabases()) {
  describe(`changing the organisation tree (${testDatabase.driver})`, () => {
    let database: Database;
    let orgs: Awaited<ReturnType<typeof seedOrganisations>>;
    let admin: number;
    const now = new Date('2026-06-01T10:00:00Z');
    const context = () => ({ database, clock: () => now });

    before(async () => {
      ({ database, orgs, admin } = await openSeededDatabase(testDatabase));
    });
    after(() => database.close());

    it('keeps service names unique in any case, and a service may keep its own name', async () => {
      assert.deepEqual(await createService(context(), 'NORTHSHIRE ips', admin), {
        kind: 'name-taken',
      });
      const created = await createService(context(), 'Eastshire IPS', admin);
      assert.equal(created.kind, 'done');
      if (created.kind !== 'done') return;
      assert.deepEqual(await renameService(context(), created.serviceId, 'southshire IPS', admin), {
        kind: 'name-taken',
      });
      assert.deepEqual(await renameService(context(), created.serviceId, 'EASTSHIRE IPS', admin), {
        kind: 'done',
        serviceId: created.serviceId,
      });
      assert.deepEqual(await renameService(context(), 999_999, 'Westshire IPS', admin), {
        kind: 'not-found',
      });
    });

    it('keeps team names unique within their service only, and needs an ICS that exists', async () => {
      const team = (teamName: string, icsId = orgs.icsA) => ({ teamName, icsId });
      assert.deepEqual(await createTeam(context(), orgs.serviceA, team('north TEAM'), admin), {
        kind: 'name-taken',
      });
      assert.deepEqual(await createTeam(context(), orgs.serviceB, team('North team'), admin), {
        kind: 'done',
        serviceId: orgs.serviceB,
      });
      assert.deepEqual(await createTeam(context(), orgs.serviceA, team('New', 999_999), admin), {
        kind: 'not-found',
      });
      assert.deepEqual(await createTeam(context(), 999_999, team('New'), admin), {
        kind: 'not-found',
      });
      assert.deepEqual(await changeTeam(context(), orgs.teamA2, team('North Team'), admin), {
        kind: 'name-taken',
      });
      assert.deepEqual(
        await changeTeam(context(), orgs.teamA2, team('Border team', orgs.icsB), admin),
        { kind: 'done', serviceId: orgs.serviceA },
      );
    });

    it("names a team's own specialist, and no other team's", async () => {
      await ensureSpecialists(database, orgs.teamA1, ['AB']);
      const [specialist] = await specialistsOfTeam(database, orgs.teamA1);
      const id = specialist?.id ?? 0;
      const change = { displayName: 'Alex Brown', hasLeft: true };
      assert.equal(await changeSpecialist(context(), orgs.teamB1, id, change, admin), false);
      assert.equal(await changeSpecialist(context(), orgs.teamA1, id, change, admin), true);
      assert.deepEqual(await specialistsOfTeam(database, orgs.teamA1), [
        { id, initials: 'AB', displayName: 'Alex Brown', hasLeft: true },
      ]);
      const blank = { displayName: '', hasLeft: false };
      assert.equal(await changeSpecialist(context(), orgs.teamA1, id, blank, admin), true);
      assert.equal((await specialistsOfTeam(database, orgs.teamA1))[0]?.displayName, null);
    });
  });
}
