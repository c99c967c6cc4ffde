import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

/** Builds dist/ when a source file is newer, as `npm start` does: these tests run compiled code. */
export function buildService(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--if-needed'], { cwd: ROOT });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  /** Everything it printed to standard output and error so far. */
  output(): string;
  /** Resolves with its exit code once it has exited. */
  exited(): Promise<number | null>;
}

/**
 * Starts `node dist/server/<entry>.js` in `folder` (this checkout unless given) with only the
 * environment given (plus PATH and HOME): never a database named in the test runner's own
 * environment. For `main`, resolves once it says it is running; for any other entry, at once.
 */
export function startServerProcess(
  entry: 'main' | 'migrate',
  environment: Readonly<Record<string, string>>,
  folder = ROOT,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [`dist/server/${entry}.js`], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    printed += String(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    printed += String(chunk);
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const server: ServerProcess = { child, output: () => printed, exited: () => exit };
  if (entry !== 'main') return Promise.resolve(server);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${printed}`)), 60_000);
    child.stdout?.on('data', () => {
      if (printed.includes('IPS Reporting is running')) {
        clearTimeout(timer);
        resolve(server);
      }
    });
    void exit.then((code) => {
      // A server that failed to start must not keep the test process waiting for the timer.
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${printed}`));
    });
  });
}
