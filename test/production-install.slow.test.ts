import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildService, startServerProcess } from './support/server-process.ts';
import { createScratchDatabase } from './support/test-databases.ts';

/**
 * What the Dockerfile's runtime stage holds, run as the image runs it, since no container engine
 * runs here: the files its COPY lines name (the build stage's output taken from this checkout's
 * `npm run build`), its `npm ci`, its environment, its HEALTHCHECK and its CMD. A folder the
 * server reads at run time but the Dockerfile leaves out fails here.
 */
const ROOT = new URL('..', import.meta.url).pathname;

interface Instruction {
  readonly keyword: string;
  readonly argument: string;
}

/** The Dockerfile's stages, each a list of instructions: continuations joined, comments gone. */
function readStages(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), argument: rest.join(' ') };
    if (instruction.keyword === 'FROM') stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

const stages = readStages(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
const buildStage = stages.find((stage) => / AS build$/i.test(stage[0]?.argument ?? '')) ?? [];
const runtimeStage = stages.at(-1) ?? [];
const instructionArguments = (keyword: string, stage = runtimeStage) =>
  stage.filter((instruction) => instruction.keyword === keyword).map(({ argument }) => argument);
const single = (keyword: string, stage = runtimeStage) => {
  const [argument, ...others] = instructionArguments(keyword, stage);
  assert.ok(argument !== undefined && others.length === 0, `one ${keyword} in the stage`);
  return argument;
};
/** `["node", "…"]` with the test's own node, since a container's is on its PATH. */
const execForm = (json: string): string[] => {
  const [program, ...rest] = JSON.parse(json) as string[];
  assert.equal(program, 'node', 'runs node itself, so signals reach the server');
  return [process.execPath, ...rest];
};

/** The runtime stage's files, laid out in `folder` as they are under its WORKDIR. */
function assembleRuntimeFiles(folder: string): void {
  const buildFolder = `${single('WORKDIR', buildStage).replace(/\/$/, '')}/`;
  for (const copy of instructionArguments('COPY')) {
    const words = copy.split(/\s+/);
    const fromBuild = words.includes('--from=build');
    const paths = words.filter((word) => !word.startsWith('--'));
    const destination = paths.pop() ?? '';
    for (const path of paths) {
      // The build stage compiles this checkout's sources as `npm run build` does here.
      if (fromBuild) assert.ok(path.startsWith(buildFolder), `${path} is under the build WORKDIR`);
      const source = join(ROOT, fromBuild ? path.slice(buildFolder.length) : path);
      // As Docker copies: a file into a folder keeps its name, a folder's contents are merged.
      const target =
        destination.endsWith('/') && statSync(source).isFile()
          ? join(folder, destination, basename(path))
          : join(folder, destination);
      mkdirSync(join(target, '..'), { recursive: true });
      cpSync(source, target, { recursive: true });
    }
  }
}

/** The runtime stage's `npm ci`, from the local cache where it can. */
function installDependencies(folder: string): void {
  const command = single('RUN')
    .split(/\s+/)
    .filter((word) => !word.startsWith('--mount='));
  assert.deepEqual(command.slice(0, 2), ['npm', 'ci']);
  assert.ok(command.includes('--omit=dev'));
  execFileSync('npm', [...command.slice(1), '--prefer-offline'], { cwd: folder, stdio: 'ignore' });
}

/** ENV NAME=value lines, the only form the Dockerfile uses. */
const imageEnvironment = Object.fromEntries(
  instructionArguments('ENV').flatMap((argument) =>
    argument.split(/\s+/).map((pair) => pair.split('=', 2) as [string, string]),
  ),
);

/** Stands in for the image's WORKDIR. */
let folder = '';
const serverUrl = process.env.DATABASE_URL;
const databases: { drop(): Promise<void> }[] = [];
const port = () => 45_000 + Math.floor(Math.random() * 2000);

/** The image's settings, plus what a deployment must give in secure mode, on a database of its own. */
async function productionEnvironment(serverPort: number, more: Record<string, string> = {}) {
  const database = await createScratchDatabase(serverUrl ?? '', 'ips_image');
  databases.push(database);
  return {
    ...imageEnvironment,
    PORT: String(serverPort),
    DATABASE_URL: database.url,
    IPS_BASE_URL: 'https://ips.example.invalid',
    IPS_SESSION_SECRET: 'session-secret-for-the-production-install-test',
    IPS_PSEUDONYMISATION_SECRET: 'pseudonymisation-secret-for-the-install-test',
    IPS_SMTP_URL: 'smtp://127.0.0.1:2525',
    ...more,
  };
}

/** The HEALTHCHECK's exit code: 0 healthy, 1 not. */
function healthCheck(environment: Record<string, string>): number | null {
  const command = execForm(single('HEALTHCHECK').replace(/^.*?CMD\s+/, ''));
  const [program = '', ...rest] = command;
  return spawnSync(program, rest, { cwd: folder, env: environment, timeout: 10_000 }).status;
}

describe('the production install the Dockerfile makes', {
  skip: !serverUrl && 'needs DATABASE_URL (PostgreSQL)',
}, () => {
  before(() => {
    folder = mkdtempSync(join(tmpdir(), 'ips-image-'));
    buildService();
    assembleRuntimeFiles(folder);
    installDependencies(folder);
  });
  after(async () => {
    for (const database of databases) await database.drop();
    rmSync(folder, { recursive: true, force: true });
  });

  test('has the production dependencies only, and runs as the node user', () => {
    const packageJson = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    for (const name of Object.keys(packageJson.dependencies)) {
      assert.ok(existsSync(join(folder, 'node_modules', name)), `${name} is installed`);
    }
    for (const name of ['tsx', 'typescript', '@biomejs/biome', 'playwright-core']) {
      assert.ok(name in packageJson.devDependencies, `${name} is a dev dependency`);
    }
    for (const name of Object.keys(packageJson.devDependencies)) {
      assert.ok(!existsSync(join(folder, 'node_modules', name)), `${name} is not installed`);
    }
    assert.ok(!existsSync(join(folder, 'src')), 'no TypeScript sources');
    assert.equal(single('USER'), 'node');
    assert.equal(imageEnvironment.NODE_ENV, 'production');
  });

  test('starts in secure mode on PostgreSQL, serves pages, stops on SIGTERM with exit 0', async () => {
    assert.deepEqual(execForm(single('CMD')), [process.execPath, 'dist/server/main.js']);
    const serverPort = port();
    const environment = await productionEnvironment(serverPort);
    const server = await startServerProcess('main', environment, folder);
    assert.equal(healthCheck(environment), 0, server.output());
    const address = `http://127.0.0.1:${serverPort}`;
    assert.equal((await fetch(`${address}/health/ready`)).status, 200);
    assert.equal((await fetch(`${address}/health/live`)).status, 200);

    const signIn = await fetch(`${address}/sign-in`);
    assert.equal(signIn.status, 200);
    const page = await signIn.text();
    assert.match(page, /<form[^>]+method="post"/);
    // The NHS.UK styles and this service's own script and styles, from node_modules and dist/.
    const assets = [...page.matchAll(/(?:href|src)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
    assert.ok(assets.includes('/assets/nhsuk-frontend.min.css'), assets.join(', '));
    for (const asset of assets) {
      assert.equal((await fetch(`${address}${asset}`)).status, 200, asset);
    }

    server.child.kill('SIGTERM');
    assert.equal(await server.exited(), 0, server.output());
    assert.match(server.output(), /"msg":"stopped"/);
  });

  test('as compose.yaml runs it: not ready until dist/server/migrate.js has run', async () => {
    const serverPort = port();
    const environment = await productionEnvironment(serverPort, { IPS_MIGRATE_ON_START: '0' });
    const server = await startServerProcess('main', environment, folder);
    const address = `http://127.0.0.1:${serverPort}`;
    assert.equal(healthCheck(environment), 1);
    const waiting = await fetch(`${address}/health/ready`);
    assert.equal(waiting.status, 503);
    assert.match(await waiting.text(), /migrations not applied/);

    const migrate = await startServerProcess('migrate', environment, folder);
    assert.equal(await migrate.exited(), 0, migrate.output());
    assert.match(migrate.output(), /^Applied migrations 0001, /);
    assert.equal(healthCheck(environment), 0, server.output());
    assert.equal((await fetch(`${address}/health/ready`)).status, 200);

    server.child.kill('SIGTERM');
    assert.equal(await server.exited(), 0, server.output());
  });
});
