import { execFileSync, spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * npm run bench:cli [-- --runs N] — how long `ips-report --help` takes to start and answer: the
 * compiled tool (bin/ips-report.js, what an installed `ips-report` runs) and, for comparison,
 * the TypeScript sources through tsx, against a bare `node -e ""` timed in the same run, since
 * Node's own start-up is most of it and moves with the machine. 21 runs of each by default, taken
 * in turn so a busy moment slows all three alike; reports the first (cold) run and the median.
 */

const { values } = parseArgs({ options: { runs: { type: 'string', default: '21' } } });
const RUNS = Math.max(1, Math.trunc(Number(values.runs)) || 1);
/** The target for the compiled tool's median. */
const TARGET_SECONDS = 0.4;

const root = fileURLToPath(new URL('..', import.meta.url));
const tsxCli = fileURLToPath(import.meta.resolve('tsx/cli'));

interface Command {
  readonly label: string;
  readonly arguments: readonly string[];
}

const BARE_NODE: Command = { label: 'node -e "" (bare Node start)', arguments: ['-e', ''] };
const COMPILED: Command = {
  label: 'node bin/ips-report.js --help',
  arguments: ['bin/ips-report.js', '--help'],
};
const SOURCES: Command = {
  label: 'tsx src/cli/main.ts --help',
  arguments: [tsxCli, 'src/cli/main.ts', '--help'],
};
const COMMANDS = [BARE_NODE, COMPILED, SOURCES];

function timeOnce(command: Command): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, command.arguments, { cwd: root, encoding: 'utf8' });
  const seconds = (performance.now() - start) / 1000;
  if (run.status !== 0) throw new Error(`${command.label} exited ${run.status}:\n${run.stderr}`);
  return seconds;
}

const median = (numbers: readonly number[]) => {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

// The compiled tool needs dist/, as `npm start` does.
execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], {
  cwd: root,
  stdio: 'inherit',
});

console.log(`Timing ${RUNS} runs of each, in turn…`);
const times = new Map<Command, number[]>(COMMANDS.map((command) => [command, []]));
for (let run = 0; run < RUNS; run += 1) {
  for (const command of COMMANDS) times.get(command)?.push(timeOnce(command));
}

const bareMedian = median(times.get(BARE_NODE) ?? []);
console.log('');
console.log(
  `${'command'.padEnd(32)} ${'cold'.padStart(7)} ${'median'.padStart(7)} ${'fastest'.padStart(7)}  ÷ bare Node`,
);
for (const command of COMMANDS) {
  const runs = times.get(command) ?? [];
  console.log(
    `${command.label.padEnd(32)} ${runs[0]?.toFixed(3).padStart(7)} ${median(runs).toFixed(3).padStart(7)} ${Math.min(
      ...runs,
    )
      .toFixed(3)
      .padStart(7)}  ${(median(runs) / bareMedian).toFixed(2).padStart(11)}`,
  );
}
const compiledMedian = median(times.get(COMPILED) ?? []);
console.log(
  `\nTarget: the compiled tool's median ${compiledMedian.toFixed(3)} s, under ${TARGET_SECONDS} s: ${compiledMedian < TARGET_SECONDS ? 'met' : 'NOT MET'}`,
);
