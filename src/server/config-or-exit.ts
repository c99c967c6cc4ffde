import { type Config, readConfig } from '../config/config.ts';
import { DataDirectoryInUse } from '../database/pglite-database.ts';

/** The configuration, or every problem with it on standard error and exit code 1. */
export function configOrExit(
  environment: Readonly<Record<string, string | undefined>>,
  refusal: string,
): Config {
  const result = readConfig(environment);
  if (result.ok) return result.config;
  process.stderr.write(
    `${refusal}\n${result.problems.map((problem) => `  - ${problem}`).join('\n')}\n`,
  );
  process.exit(1);
}

/** What opens the database, or its reason on standard error and exit code 1 when the folder is taken. */
export async function openedOrExit<T>(opening: Promise<T>): Promise<T> {
  try {
    return await opening;
  } catch (error) {
    if (!(error instanceof DataDirectoryInUse)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
