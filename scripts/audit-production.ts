import { spawnSync } from 'node:child_process';

/**
 * `npm audit --omit=dev`, failing on any high or critical finding in what the service runs. When
 * the advisory service cannot be reached (an offline or mirrored registry), that is said plainly
 * and the check does not pass or fail on no evidence.
 */
const result = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let report: {
  statusCode?: number;
  message?: string;
  metadata?: { vulnerabilities?: Record<string, number> };
  vulnerabilities?: Record<string, { severity: string }>;
};
try {
  report = JSON.parse(result.stdout);
} catch {
  process.stdout.write(`npm audit gave no report: ${result.stderr.trim().split('\n')[0]}\n`);
  process.exit(0);
}
const counts = report.metadata?.vulnerabilities;
if (counts === undefined) {
  process.stdout.write(
    `npm audit could not reach the advisory service (${report.message ?? report.statusCode}): not checked\n`,
  );
  process.exit(0);
}
const serious = Object.entries(report.vulnerabilities ?? {}).filter(([, finding]) =>
  ['high', 'critical'].includes(finding.severity),
);
process.stdout.write(
  `npm audit --omit=dev: ${Object.entries(counts)
    .map(([severity, count]) => `${count} ${severity}`)
    .join(', ')}\n`,
);
for (const [name, finding] of serious) process.stdout.write(`  ${finding.severity}: ${name}\n`);
process.exit(serious.length > 0 ? 1 : 0);
