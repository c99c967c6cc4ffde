import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { UploadCheckSettings } from '../config/config.ts';
import type { CheckProgress, CheckTask, OpenCheck, SealedCheck } from './check-worker.ts';

/**
 * The worker threads uploads are read and checked in, so a large or hostile file never holds up
 * the event loop that answers everyone. Each check has a wall-time and a heap limit: past either
 * its thread is stopped (a thread is the only thing that can stop a loop in the middle) and the
 * upload is refused with a plain reason.
 */

/** Why a check was stopped: what the person is told; `busy` when the files were never looked at. */
export class CheckRefused extends Error {
  constructor(
    message: string,
    readonly busy = false,
  ) {
    super(message);
  }
}

/**
 * The worker's module beside this one: TypeScript in development and tests (the threads inherit
 * tsx's loader), JavaScript once compiled.
 */
const WORKER_FILE = new URL(
  import.meta.url.endsWith('.ts') ? './check-worker.ts' : './check-worker.js',
  import.meta.url,
).href;

const BUSY =
  'The service is busy checking other uploads. Wait a few minutes, then upload the files again.';

export class UploadCheckPool {
  readonly #pool: Piscina;
  readonly #settings: UploadCheckSettings;
  /**
   * Checks running or waiting: counted here, since piscina's own queue limit does not count
   * tasks that carry an abort signal, as every check does for its time limit.
   */
  #inHand = 0;

  constructor(settings: UploadCheckSettings) {
    this.#settings = settings;
    this.#pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: 0,
      maxThreads: settings.threads,
      // Threads are started when uploads come, and end when none have for a while.
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryLimitMb },
    });
    // A thread that dies between checks (or while starting) is replaced; a check it was running
    // is refused through its own promise. Unheard, the pool's 'error' would end the process.
    this.#pool.on('error', () => {});
  }

  /** Runs one check; `onProgress` hears where it has got to. */
  async check(
    task: Omit<CheckTask, 'progress'>,
    onProgress: (progress: CheckProgress) => void,
  ): Promise<SealedCheck | OpenCheck> {
    if (this.#inHand >= this.#settings.threads + this.#settings.queue)
      throw new CheckRefused(BUSY, true);
    this.#inHand++;
    const limitMs = this.#settings.timeLimitSeconds * 1000;
    const stop = new AbortController();
    // The time limit runs from the check's start (its first report), not from joining the queue;
    // a check that never starts is stopped once every check ahead of it could have had its time.
    let running: NodeJS.Timeout | undefined;
    const waiting = setTimeout(() => stop.abort(), limitMs * (this.#settings.queue + 1));
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (progress: CheckProgress) => {
      if (running === undefined) {
        clearTimeout(waiting);
        running = setTimeout(() => stop.abort(), limitMs);
      }
      onProgress(progress);
    });
    // A file's bytes move to the thread rather than being copied, when they are a whole buffer.
    const wholeBuffers = task.files.flatMap(({ bytes }) =>
      bytes.buffer instanceof ArrayBuffer && bytes.byteLength === bytes.buffer.byteLength
        ? [bytes.buffer]
        : [],
    );
    const transferList = [port2, ...wholeBuffers];
    try {
      return await this.#pool.run(
        { ...task, progress: port2 },
        { transferList, signal: stop.signal },
      );
    } catch (error) {
      throw refusalOf(error, this.#settings);
    } finally {
      clearTimeout(waiting);
      clearTimeout(running);
      this.#inHand--;
      port1.close();
    }
  }

  /**
   * The facts of records given as JSON text, derived in a thread (`FactsDeriver`): a roll-back's,
   * which may be a whole large team's. No time limit: the records are the service's own.
   */
  deriveFacts(recordTexts: readonly string[]): Promise<readonly string[]> {
    return this.#pool.run({ recordTexts }, { name: 'deriveFacts' });
  }

  /** Lets the checks running finish, then ends the threads. */
  close(): Promise<void> {
    return this.#pool.close();
  }
}

function refusalOf(error: unknown, settings: UploadCheckSettings): unknown {
  if (!(error instanceof Error)) return error;
  const { code } = error as { code?: string };
  if (error.name === 'AbortError' || code === 'ABORT_ERR') {
    return new CheckRefused(
      `Checking the files took longer than ${settings.timeLimitSeconds} seconds, so it was stopped. A referral spreadsheet of up to 200,000 rows takes much less: check these are the right files, or split the data across several uploads.`,
    );
  }
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return new CheckRefused(
      'Checking the files needed more memory than any referral spreadsheet needs, so it was stopped. Check these are the right files, or split the data across several uploads.',
    );
  }
  return error;
}
