import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildService, startServerProcess } from './support/server-process.ts';

/**
 * The compiled service as an orchestrator runs it: migrations as a step of their own, health
 * probes, and a graceful stop on SIGTERM that lets a request in flight finish and exits 0.
 */
const folder = mkdtempSync(join(tmpdir(), 'ips-lifecycle-'));
const port = () => 43_000 + Math.floor(Math.random() * 2000);
const environment = (dataDirectory: string, serverPort: number, more = {}) => ({
  IPS_DATA_DIR: join(folder, dataDirectory),
  PORT: String(serverPort),
  IPS_LOG_LEVEL: 'info',
  ...more,
});

before(() => buildService());
after(() => rmSync(folder, { recursive: true, force: true }));

describe('the compiled service', () => {
  test('npm run migrate applies the migrations once; a server that skips them waits', async () => {
    const waitingPort = port();
    const unmigrated = await startServerProcess(
      'main',
      environment('waiting', waitingPort, { IPS_MIGRATE_ON_START: '0' }),
    );
    const waiting = await fetch(`http://127.0.0.1:${waitingPort}/health/ready`);
    assert.equal(waiting.status, 503);
    assert.match(await waiting.text(), /"reason":"migrations not applied: 0001, /);
    assert.equal((await fetch(`http://127.0.0.1:${waitingPort}/health/live`)).status, 200);
    unmigrated.child.kill('SIGTERM');
    assert.equal(await unmigrated.exited(), 0);

    const first = await startServerProcess('migrate', environment('waiting', 0));
    assert.equal(await first.exited(), 0, first.output());
    assert.match(first.output(), /^Applied migrations 0001, .*\.\n$/);
    const again = await startServerProcess('migrate', environment('waiting', 0));
    assert.equal(await again.exited(), 0, again.output());
    assert.equal(again.output(), 'The database is up to date: no migration to apply.\n');

    const readyPort = port();
    const migrated = await startServerProcess(
      'main',
      environment('waiting', readyPort, { IPS_MIGRATE_ON_START: '0' }),
    );
    assert.equal((await fetch(`http://127.0.0.1:${readyPort}/health/ready`)).status, 200);
    migrated.child.kill('SIGTERM');
    assert.equal(await migrated.exited(), 0);
  });

  test('SIGTERM: the request in flight is answered, nothing new is taken, exit 0', async () => {
    const serverPort = port();
    const server = await startServerProcess('main', environment('stopping', serverPort));
    assert.equal((await fetch(`http://127.0.0.1:${serverPort}/health/ready`)).status, 200);

    // A request whose body has not all arrived when the signal comes.
    const body = 'email=someone%40nhs.net&password=wrong';
    const socket = connect(serverPort, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += String(chunk);
    });
    const answered = new Promise<void>((resolve) => socket.once('end', resolve));
    socket.write(
      `POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    server.child.kill('SIGTERM');
    // Stopping: the listener closes, so a new connection is refused.
    await new Promise((resolve) => setTimeout(resolve, 500));
    await assert.rejects(fetch(`http://127.0.0.1:${serverPort}/health/live`));
    assert.equal(server.child.exitCode, null, 'still running while a request is in flight');

    socket.end(body.slice(10));
    await answered;
    assert.match(answer, /^HTTP\/1\.1 \d{3} /, 'the request in flight got its answer');
    assert.equal(await server.exited(), 0);
    assert.match(server.output(), /"msg":"stopping: finishing requests in flight"/);
    assert.match(server.output(), /"msg":"stopped"/);
  });

  test('the embedded database serves one server: a second is refused, and secure mode warns', async () => {
    const firstPort = port();
    const first = await startServerProcess(
      'main',
      environment('shared', firstPort, {
        NODE_ENV: 'production',
        IPS_ALLOW_EMBEDDED_DATABASE: '1',
        IPS_BASE_URL: 'https://ips.example.nhs.uk',
        IPS_SESSION_SECRET: 'session-secret-for-the-lifecycle-test-0123456789',
        IPS_PSEUDONYMISATION_SECRET:
          '9f2c4e71a0b85d36c1e7f40a29b6d583e0c4a7f19d2b6e8043a5c7f1e9b2d460',
        IPS_SMTP_URL: 'smtp://127.0.0.1:2525',
      }),
    );

    const second = await startServerProcess('main', environment('shared', port())).catch(
      (error: Error) => error,
    );
    assert.ok(second instanceof Error, 'the second server did not start');
    assert.match(
      second.message,
      /exited with 1:\nThe embedded database in .*shared is in use by another process \(\d+\)\. It serves one server only/,
    );
    assert.ok(!second.message.includes('    at '), 'no stack trace');
    const migrate = await startServerProcess('migrate', environment('shared', 0));
    assert.equal(await migrate.exited(), 1);

    first.child.kill('SIGTERM');
    assert.equal(await first.exited(), 0);
    // The log is written asynchronously: read once the process has gone.
    assert.match(first.output(), /"msg":"running on the embedded database: one server only/);
    const after = await startServerProcess('main', environment('shared', port()));
    after.child.kill('SIGTERM');
    assert.equal(await after.exited(), 0, 'the folder is free once the first has stopped');
  });
});
