import { type Config, readConfig } from '../config/config.ts';

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
