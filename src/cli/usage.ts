import { DEFAULT_READ_LIMITS } from '../spreadsheet/cells.ts';

/**
 * What `ips-report` says about itself, apart from the commands, so that asking for help loads
 * none of the readers, the validation or the metric engine (main.ts imports cli.ts only to run
 * a command).
 */

export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;

export const USAGE = `Usage:
  ips-report template OUT.xlsx|OUT.csv
  ips-report validate FILE... [--json] [--today YYYY-MM-DD]
  ips-report metrics FILE... --from YYYY-MM-DD --to YYYY-MM-DD [--today YYYY-MM-DD]
                     [--employment-status all|out-of-work|in-work] [--json]

Options for validate and metrics:
  --max-file-mb N   largest file accepted (default ${DEFAULT_READ_LIMITS.maxFileBytes / (1024 * 1024)})
  --max-rows N      most data rows in one file (default ${DEFAULT_READ_LIMITS.maxRows})

Referral sources are not checked: each upload checks them against its service's list.

Exit status: 0 no errors, 1 the spreadsheet has errors, 2 the command was wrong.`;

/** The exit status when the arguments only ask for help (none at all is a usage error); else null. */
export function helpOnlyExit(argv: readonly string[]): number | null {
  if (argv.length === 0) return EXIT.usage;
  const [only, ...rest] = argv;
  return rest.length === 0 && (only === '--help' || only === '-h' || only === 'help')
    ? EXIT.ok
    : null;
}
