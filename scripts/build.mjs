#!/usr/bin/env node
// `npm run build`: compiles src/ to dist/ and copies what the compiled service reads beside its
// code (the page templates and static files), so dist/ runs on `node` alone. With --if-needed it
// does nothing when dist/ is newer than every source file, which keeps `npm start` quick.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Written last, so a build stopped half-way is built again.
const built = join(root, 'dist', '.built');

function files(folder) {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

const sources = [
  ...files(join(root, 'src')),
  join(root, 'tsconfig.json'),
  join(root, 'tsconfig.build.json'),
];
const upToDate =
  existsSync(built) && sources.every((path) => statSync(path).mtimeMs <= statSync(built).mtimeMs);
if (process.argv.includes('--if-needed') && upToDate) process.exit(0);

process.stdout.write('Building the service (tsc) into dist/\n');
const compiler = spawnSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  { cwd: root, stdio: 'inherit' },
);
if (compiler.status !== 0) process.exit(compiler.status ?? 1);

// Templates and static files are read at run time from beside the compiled web module.
for (const path of files(join(root, 'src', 'web')).filter((path) => !path.endsWith('.ts'))) {
  cpSync(path, join(root, 'dist', relative(join(root, 'src'), path)));
}
writeFileSync(built, `${new Date().toISOString()}\n`);
