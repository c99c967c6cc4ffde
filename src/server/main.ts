import { readConfig } from '../config/config.ts';
import { keepFiguresWarm } from '../dashboards/warm-figures.ts';
import { composeApp, firstAdministratorLink } from './composition-root.ts';

/** `npm start`: the web service on the configured database (embedded PGlite by default). */
const result = readConfig(process.env);
if (!result.ok) {
  process.stderr.write(
    `IPS Reporting cannot start. Fix these settings:\n${result.problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
  );
  process.exit(1);
}
const { config } = result;
const { app, services } = await composeApp(config);
await app.listen({ port: config.port, host: config.host });
const warming = config.warmFigures ? keepFiguresWarm(services) : null;

const link = await firstAdministratorLink(services);
if (link !== null) {
  process.stdout.write(
    `\nNo administrator yet. Create the first one within 24 hours at:\n  ${link}\n\n`,
  );
}
process.stdout.write(`IPS Reporting is running at ${config.baseUrl}\n`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    warming?.stop();
    await app.close();
    await services.database.close();
    process.exit(0);
  });
}
