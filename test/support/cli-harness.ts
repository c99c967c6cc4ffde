import { readFileSync, writeFileSync } from 'node:fs';
import { type CliIo, runCli } from '../../src/cli/cli.ts';

/** Runs `ips-report` in-process with real files, capturing what it prints. */
export function runIpsReport(args: readonly string[], today = '2025-11-20') {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    readFile: (path) => readFileSync(path),
    writeFile: (path, bytes) => writeFileSync(path, bytes),
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    today,
    secret: 'test-secret',
  };
  const exitCode = runCli(args, io);
  return { exitCode, stdout, stderr };
}
