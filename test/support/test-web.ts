import { randomBytes } from 'node:crypto';
import { type Readable, Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { createAccount } from '../../src/accounts/accounts.ts';
import { hashPassword } from '../../src/accounts/passwords.ts';
import { assignRole, type RoleAssignmentRequest } from '../../src/accounts/role-assignments.ts';
import { readConfig } from '../../src/config/config.ts';
import type { Database } from '../../src/database/database.ts';
import { applyMigrations } from '../../src/database/migrations.ts';
import { readMigrations } from '../../src/database/open-database.ts';
import {
  acceptDataSharing,
  acceptTerms,
  currentAgreementVersion,
} from '../../src/governance/agreements.ts';
import { sendDueEmail } from '../../src/mail/outbox.ts';
import { composeApp } from '../../src/server/composition-root.ts';
import { writeXlsx } from '../../src/spreadsheet/xlsx/xlsx-writer.ts';
import { generateReferralRows } from '../../src/synthetic/referral-rows.ts';
import type { Services } from '../../src/web/services.ts';
import type { TestDatabase } from './test-databases.ts';

/**
 * For route tests: the whole app in-process on a fresh database, with a clock the test moves,
 * the log and the development outbox captured, and a browser-like client that keeps cookies and
 * sends the CSRF token of the last page it loaded.
 */
export interface TestWeb {
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly database: Database;
  readonly logLines: string[];
  readonly outbox: string[];
  /** Sends the queued email due now into `outbox`, as the server's background sender does. */
  sendEmail(): Promise<void>;
  /** Moves the clock on. */
  advanceMinutes(minutes: number): void;
  browser(): TestBrowser;
  close(): Promise<void>;
}

export const TEST_PASSWORD = 'correct horse battery staple';

export async function startTestWeb(
  testDatabase: TestDatabase,
  /** More settings, as environment variables (secure mode, for the cookie tests). */
  environment: Record<string, string> = {},
): Promise<TestWeb> {
  const database = await testDatabase.open();
  await applyMigrations(database, readMigrations());
  const logLines: string[] = [];
  const outbox: string[] = [];
  let now = new Date('2026-06-01T09:00:00Z').getTime();
  const result = readConfig({
    IPS_LOG_LEVEL: 'info',
    // Never a key file in the working folder: each test app a random key of its own.
    IPS_PSEUDONYMISATION_SECRET: randomBytes(32).toString('hex'),
    ...environment,
  });
  if (!result.ok) throw new Error(result.problems.join('; '));
  const { app, services } = await composeApp(result.config, {
    database,
    logDestination: new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
    writeOutbox: (text) => outbox.push(text),
    clock: () => new Date(now),
  });
  await app.ready();
  return {
    app,
    services,
    database,
    logLines,
    outbox,
    sendEmail: () => sendDueEmail(services),
    advanceMinutes(minutes) {
      now += minutes * 60_000;
    },
    browser: () => new TestBrowser(app),
    async close() {
      await app.close();
      await services.lifecycle.inHandFinished();
      await services.uploadChecks.close();
      await database.close();
    },
  };
}

/** A multipart/form-data body: `file` parts, then text fields. */
export function multipartBody(
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  fields: Readonly<Record<string, string>> = {},
): { contentType: string; payload: Buffer } {
  const boundary = `----ips-test-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      Buffer.from(file.bytes),
      Buffer.from('\r\n'),
    );
  }
  for (const [name, value] of Object.entries(fields)) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
      ),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    payload: Buffer.concat(parts),
  };
}

let browsersMade = 0;

export class TestBrowser {
  private readonly cookies = new Map<string, string>();
  private csrfToken = '';
  /** Each browser its own address, as people are, so rate limits count per browser. */
  readonly remoteAddress = `10.0.${Math.floor(++browsersMade / 250)}.${browsersMade % 250}`;
  constructor(private readonly app: FastifyInstance) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const response = await this.app.inject({
      method: 'GET',
      url,
      remoteAddress: this.remoteAddress,
      headers: { ...this.headers(), ...headers },
    });
    this.remember(response);
    return response;
  }

  /**
   * An upload's address as a browser left on its progress page ends up: the check page, or the
   * redirect to the saved upload, once the work in hand has finished.
   */
  async whenUploadFinished(address: string): Promise<LightMyRequestResponse> {
    for (;;) {
      const page = await this.get(address);
      if (!page.body.includes('data-module="app-upload-progress"')) return page;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Posts a form as the browser would, with the CSRF token of the last page loaded. */
  async post(
    url: string,
    form: Record<string, string | string[]> = {},
    headers: Record<string, string> = {},
  ): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    body.set('_csrf', this.csrfToken);
    for (const [name, value] of Object.entries(form)) {
      for (const each of Array.isArray(value) ? value : [value]) body.append(name, each);
    }
    const response = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: {
        ...this.headers(),
        'content-type': 'application/x-www-form-urlencoded',
        ...headers,
      },
      payload: body.toString(),
    });
    this.remember(response);
    return response;
  }

  /** Posts a form as a forged request would: the browser's cookies, no CSRF token. */
  async postWithoutCsrf(url: string): Promise<LightMyRequestResponse> {
    return this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.remoteAddress,
      headers: { ...this.headers(), 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'anything=1',
    });
  }

  /** Posts files as a multipart form, the CSRF token in the query string as the upload form does. */
  async postFiles(
    url: string,
    files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
  ): Promise<LightMyRequestResponse> {
    return this.postBody(url, multipartBody(files));
  }

  /** Posts any body (a malformed upload, say, or one streamed), the CSRF token in the query string. */
  async postBody(
    url: string,
    body: { contentType: string; payload: Buffer | Readable },
  ): Promise<LightMyRequestResponse> {
    const separator = url.includes('?') ? '&' : '?';
    const response = await this.app.inject({
      method: 'POST',
      url: `${url}${separator}_csrf=${encodeURIComponent(this.csrfToken)}`,
      remoteAddress: this.remoteAddress,
      headers: { ...this.headers(), 'content-type': body.contentType },
      payload: body.payload,
    });
    this.remember(response);
    return response;
  }

  /** Loads the sign-in page, signs in, and accepts the terms if asked. */
  async signIn(email: string, password = TEST_PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/sign-in');
    const response = await this.post('/sign-in', { email, password });
    if (response.statusCode !== 302) throw new Error(`sign-in failed: ${response.statusCode}`);
    return response;
  }

  private headers(): Record<string, string> {
    const cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    return cookie ? { cookie } : {};
  }

  private remember(response: LightMyRequestResponse) {
    for (const cookie of response.cookies as Array<{
      name: string;
      value: string;
      expires?: Date;
    }>) {
      if (cookie.value === '' || (cookie.expires && cookie.expires.getTime() < Date.now())) {
        this.cookies.delete(cookie.name);
      } else {
        this.cookies.set(cookie.name, cookie.value);
      }
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1];
    if (token) this.csrfToken = token;
  }
}

/**
 * Generates a standard spreadsheet (XLSX), uploads and confirms it for the team as the signed-in
 * team leader, and returns its bytes (for the same file through `ips-report`).
 */
export async function uploadGeneratedSpreadsheet(
  leader: TestBrowser,
  teamId: number,
  options: { rows: number; seed: number; today: string },
): Promise<Uint8Array> {
  const generated = generateReferralRows(options);
  const bytes = writeXlsx([{ name: 'Referrals', rows: [generated.headings, ...generated.rows] }]);
  await leader.get(`/teams/${teamId}/upload`);
  const checked = await leader.postFiles(`/teams/${teamId}/upload`, [{ name: 'team.xlsx', bytes }]);
  const address = checked.headers.location as string;
  const checkPage = await leader.whenUploadFinished(address);
  if (checkPage.statusCode !== 200) throw new Error(`upload check failed: ${checkPage.statusCode}`);
  await leader.post(address);
  const saved = await leader.whenUploadFinished(address);
  if (!/\/upload\/done\/\d+$/.test(saved.headers.location ?? '')) {
    throw new Error(`upload failed: ${saved.statusCode}`);
  }
  return bytes;
}

/** A small tree: one service with a team in each of two ICSs in different regions, and another service. */
export async function seedOrganisations(database: Database) {
  const icss = await database.query<{ id: number; regionId: number }>(
    'SELECT id, region_id AS "regionId" FROM ics ORDER BY id',
  );
  const first = icss[0];
  const other = icss.find((ics) => ics.regionId !== first?.regionId);
  if (first === undefined || other === undefined) throw new Error('ICS seed missing');
  const service = async (name: string) =>
    (
      await database.query<{ id: number }>('INSERT INTO service (name) VALUES ($1) RETURNING id', [
        name,
      ])
    )[0]?.id ?? 0;
  const team = async (serviceId: number, icsId: number, name: string) =>
    (
      await database.query<{ id: number }>(
        'INSERT INTO team (service_id, ics_id, name) VALUES ($1, $2, $3) RETURNING id',
        [serviceId, icsId, name],
      )
    )[0]?.id ?? 0;
  const serviceA = await service('Northshire IPS');
  const serviceB = await service('Southshire IPS');
  const teamA1 = await team(serviceA, first.id, 'North team');
  const teamA2 = await team(serviceA, other.id, 'Border team');
  const teamB1 = await team(serviceB, other.id, 'South team');
  for (const serviceId of [serviceA, serviceB]) {
    await acceptDataSharing(database, serviceId, 1, null, new Date());
  }
  return {
    serviceA,
    serviceB,
    teamA1,
    teamA2,
    teamB1,
    icsA: first.id,
    regionA: first.regionId,
    icsB: other.id,
    regionB: other.regionId,
  };
}

/** An account with a password, the given roles, and (by default) the terms accepted. */
export async function createTestAccount(
  database: Database,
  email: string,
  roles: readonly RoleAssignmentRequest[],
  options: { acceptTerms?: boolean } = {},
): Promise<number> {
  const accountId = await createAccount(database, {
    email,
    name: email.split('@')[0] ?? email,
    passwordHash: await hashPassword(TEST_PASSWORD),
  });
  for (const role of roles) await assignRole(database, accountId, role);
  if (options.acceptTerms ?? true) {
    await acceptTerms(database, accountId, await currentAgreementVersion(database, 'end-user'));
  }
  return accountId;
}

/** A role assignment request with only the fields a role needs. */
export function role(
  name: RoleAssignmentRequest['role'],
  scope: Partial<Omit<RoleAssignmentRequest, 'role'>> = {},
): RoleAssignmentRequest {
  return { role: name, teamId: null, serviceId: null, icsId: null, regionId: null, ...scope };
}

/** A migrated test database with the seeded organisations and an administrator to act as. */
export async function openSeededDatabase(testDatabase: TestDatabase) {
  const database = await testDatabase.open();
  await applyMigrations(database, readMigrations());
  const orgs = await seedOrganisations(database);
  const admin = await createTestAccount(database, 'admin@nhs.net', [role('administrator')]);
  return { database, orgs, admin };
}
