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

const compilerPath = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
// A production install (npm ci --omit=dev) has no compiler: it runs the dist/ built before.
if (!existsSync(compilerPath)) {
  if (process.argv.includes('--if-needed') && existsSync(built)) process.exit(0);
  process.stderr.write(
    'Cannot build: TypeScript is not installed (npm install, with dev dependencies).\n',
  );
  process.exit(1);
}

process.stdout.write('Building the service (tsc) into dist/\n');
const compiler = spawnSync(process.execPath, [compilerPath, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (compiler.status !== 0) process.exit(compiler.status ?? 1);

// Templates and static files are read at run time from beside the compiled web module.
for (const path of files(join(root, 'src', 'web')).filter((path) => !path.endsWith('.ts'))) {
  cpSync(path, join(root, 'dist', relative(join(root, 'src'), path)));
}
writeFileSync(built, `${new Date().toISOString()}\n`);
