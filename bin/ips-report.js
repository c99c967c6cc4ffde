#!/usr/bin/env node
// The command-line tool runs the compiled service code (`npm run build`, which `npm install` runs).
// Node 22+ keeps its compiled modules between runs, so each start compiles less.
import module from 'node:module';

module.enableCompileCache?.();
try {
  await import('../dist/cli/main.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write('ips-report is not built yet: run `npm run build` in its folder first.\n');
  process.exitCode = 1;
}
