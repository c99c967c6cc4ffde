import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkOf, testPool } from '../../test/support/check-tasks.ts';
import { CheckRefused } from './check-pool.ts';

describe('the pool uploads are checked in', () => {
  it('checks in a worker thread, telling where it has got to', async () => {
    const pool = testPool();
    try {
      const stages: string[] = [];
      const checked = await pool.check(checkOf(4_500), ({ stage, rowsDone }) =>
        stages.push(`${stage} ${rowsDone}`),
      );
      assert.equal(checked.kind, 'open');
      assert.equal(checked.kind === 'open' && checked.view.recordCount, 4_500);
      assert.deepEqual(stages, ['reading 0', 'checking 2000', 'checking 4000']);
    } finally {
      await pool.close();
    }
  });

  it('refuses an upload as busy when every thread and place in the queue is taken', async () => {
    const pool = testPool();
    try {
      let firstRunning: () => void = () => {};
      const running = new Promise<void>((resolve) => {
        firstRunning = resolve;
      });
      const first = pool.check(checkOf(6_000), () => firstRunning());
      await running;
      const waiting = pool.check(checkOf(10), () => {});
      await assert.rejects(
        pool.check(checkOf(10), () => {}),
        (error: unknown) =>
          error instanceof CheckRefused && /busy checking other uploads/.test(error.message),
      );
      assert.equal((await first).kind, 'open', 'the check already running goes on');
      assert.equal((await waiting).kind, 'open', 'and the one waiting for it');
    } finally {
      await pool.close();
    }
  });
});
