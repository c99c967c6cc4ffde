import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { londonToday } from '../calendar/london-today.ts';

import { openDatabase } from '../database/open-database.ts';
import { keepSendingEmail } from '../mail/outbox.ts';
import { keepSweepingExpiredChecks } from '../uploads/upload-use-cases.ts';
import { composeApp } from './composition-root.ts';
import { configOrExit } from './config-or-exit.ts';
import { DEMO_ROLES, demoEmail, seedDemo } from './demo-data.ts';

/** `npm run demo`: the service on a fresh embedded database holding the demo organisations and accounts. */
const folder = mkdtempSync(join(tmpdir(), 'ips-reporting-demo-'));
const config = configOrExit(
  { ...process.env, DATABASE_URL: '', IPS_DATA_DIR: join(folder, 'database') },
  'The demo cannot start:',
);
const password = process.env.IPS_DEMO_PASSWORD?.trim() || randomBytes(12).toString('base64url');
const database = await openDatabase(config.database);
// Composed first: the demo's own key file, made beside its fresh database, hashes its records.
const { app, services } = await composeApp(config, { database });
const demo = await seedDemo(database, {
  password,
  today: londonToday(new Date()),
  pseudonymisationSecret: services.pseudonymisationSecret,
  spreadsheetFolder: join(folder, 'spreadsheets'),
  withApiTokens: process.env.IPS_DEMO_API_TOKENS === '1',
});
await app.listen({ port: config.port, host: config.host });
const sweeping = keepSweepingExpiredChecks(services);
const sendingEmail = keepSendingEmail(services);

const lines = [
  '',
  `IPS Reporting demo at ${config.baseUrl}`,
  '',
  'Sign in as any of these (each accepts the terms and conditions at first sign-in):',
  ...DEMO_ROLES.map((role) => `  ${role.padEnd(16)} ${demoEmail(role)}`),
  `Password: ${password}`,
  '',
  'Generated spreadsheets, one per team with data (for trying uploads into the Practice team):',
  ...demo.teams.map((team) => `  ${team.name}: ${team.file} (${team.records} records)`),
  '',
  ...DEMO_ROLES.flatMap((role) => {
    const token = demo.apiTokens.get(role);
    return token ? [`demo-token ${role}=${token}`] : [];
  }),
];
process.stdout.write(`${lines.join('\n')}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    sweeping.stop();
    await sendingEmail.stop();
    await app.close();
    await services.lifecycle.inHandFinished();
    await services.uploadChecks.close();
    await database.close();
    process.exit(0);
  });
}
