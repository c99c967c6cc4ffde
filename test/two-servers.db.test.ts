import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiToken } from '../src/accounts/api-tokens.ts';
import { readConfig } from '../src/config/config.ts';
import type { Database } from '../src/database/database.ts';
import { openPostgresDatabase } from '../src/database/postgres-database.ts';
import { composeApp } from '../src/server/composition-root.ts';
import type { Services } from '../src/web/services.ts';
import { openScratchSchema } from './support/test-databases.ts';
import {
  createTestAccount,
  role,
  seedOrganisations,
  startTestWeb,
  type TestWeb,
  uploadGeneratedSpreadsheet,
} from './support/test-web.ts';

/**
 * Two app servers on one PostgreSQL, as a deployment runs them behind a load balancer: an upload
 * confirmed through one is in the figures the other gives at once, though the other had already
 * worked out (and kept) the same figures before it. PGlite is one process's own database, so this
 * runs on PostgreSQL only.
 */

const POSTGRES_URL = process.env.DATABASE_URL ?? '';
const YEAR = 'from=2025-04-01&to=2026-03-31';

describe('two app servers on one PostgreSQL', {
  skip: POSTGRES_URL ? false : 'DATABASE_URL is not set',
}, () => {
  let first: TestWeb;
  let second: { app: FastifyInstance; services: Services; database: Database };
  let teamId = 0;
  /** The national lead's, for England; the team leader's, for the team. */
  const tokens = { england: '', team: '' };

  before(async () => {
    const database = await openScratchSchema(POSTGRES_URL);
    first = await startTestWeb({ driver: 'postgres', open: async () => database });
    const [{ schema } = { schema: '' }] = await database.query<{ schema: string }>(
      'SELECT current_schema() AS schema',
    );
    const url = new URL(POSTGRES_URL);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const secondDatabase = await openPostgresDatabase(url.toString());
    const config = readConfig({
      IPS_LOG_LEVEL: 'silent',
      IPS_PSEUDONYMISATION_SECRET: randomBytes(32).toString('hex'),
    });
    if (!config.ok) throw new Error(config.problems.join('; '));
    second = {
      // The first server's test clock: both servers tell the same time, as a deployment's do.
      ...(await composeApp(config.config, {
        database: secondDatabase,
        clock: () => new Date('2026-06-01T09:00:00Z'),
      })),
      database: secondDatabase,
    };
    await second.app.ready();

    const orgs = await seedOrganisations(database);
    teamId = orgs.teamA1;
    const leaderId = await createTestAccount(database, 'leader@nhs.net', [
      role('team-leader', { teamId }),
    ]);
    tokens.team = await createApiToken(database, leaderId, 'two servers', new Date());
    const nationalLead = await createTestAccount(database, 'lead@nhs.net', [role('national-lead')]);
    tokens.england = await createApiToken(database, nationalLead, 'two servers', new Date());
  });

  after(async () => {
    await second.app.close();
    await second.services.uploadChecks.close();
    await second.database.close();
    await first.close();
  });

  const metrics = async (app: FastifyInstance, scope: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/api/v1/metrics?${YEAR}&today=2026-06-01${scope}`,
      headers: { authorization: `Bearer ${scope === '' ? tokens.england : tokens.team}` },
    });
    assert.equal(response.statusCode, 200, response.body);
    return JSON.parse(response.body) as { referrals: number | string; jobStarts: number | string };
  };

  it("shows an upload through one server in the other's figures at once", async () => {
    // The second server works out England's and the team's figures first, and keeps them.
    assert.equal((await metrics(second.app, '')).referrals, 0);
    assert.equal((await metrics(second.app, `&team=${teamId}`)).referrals, 0);

    const leader = first.browser();
    await leader.signIn('leader@nhs.net');
    await uploadGeneratedSpreadsheet(leader, teamId, { rows: 300, seed: 7, today: '2026-06-01' });

    const fromFirst = await metrics(first.app, `&team=${teamId}`);
    assert.ok(typeof fromFirst.referrals === 'number' && fromFirst.referrals > 0);
    assert.deepEqual(await metrics(second.app, `&team=${teamId}`), fromFirst);
    assert.deepEqual(await metrics(second.app, ''), await metrics(first.app, ''));
  });
});
