import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { londonToday } from '../calendar/london-today.ts';
import { helpOnlyExit, USAGE } from './usage.ts';

const argv = process.argv.slice(2);
const helpExit = helpOnlyExit(argv);
if (helpExit !== null) {
  // Help needs none of the core: answered before it is loaded.
  process.stdout.write(`${USAGE}\n`);
  process.exitCode = helpExit;
} else {
  const { runCli } = await import('./cli.ts');
  const now = new Date();
  try {
    process.exitCode = runCli(argv, {
      readFile: (path) => readFileSync(path),
      writeFile: (path, bytes) => writeFileSync(path, bytes),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      // Today in the Europe/London calendar, where the service's dates live.
      today: londonToday(now),
      secret: process.env.IPS_PSEUDONYMISATION_SECRET ?? randomBytes(32).toString('hex'),
    });
  } catch {
    // Never a stack trace: the message a person can act on.
    process.stderr.write(
      'Sorry, something went wrong inside ips-report. Please report it with the command you ran.\n',
    );
    process.exitCode = 70;
  }
}
