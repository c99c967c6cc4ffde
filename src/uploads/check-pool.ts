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

/** Why a check was stopped: what the person is told. */
export class CheckRefused extends Error {}

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

  constructor(settings: UploadCheckSettings) {
    this.#settings = settings;
    this.#pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: 0,
      maxThreads: settings.threads,
      // Threads are started when uploads come, and end when none have for a while.
      idleTimeout: 60_000,
      maxQueue: settings.queue,
      resourceLimits: { maxOldGenerationSizeMb: settings.memoryLimitMb },
    });
  }

  /** Runs one check; `onProgress` hears where it has got to. */
  async check(
    task: Omit<CheckTask, 'progress'>,
    onProgress: (progress: CheckProgress) => void,
  ): Promise<SealedCheck | OpenCheck> {
    if (this.#pool.queueSize >= this.#settings.queue && this.#pool.queueSize > 0) {
      throw new CheckRefused(BUSY);
    }
    const { port1, port2 } = new MessageChannel();
    port1.on('message', onProgress);
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
        { transferList, signal: AbortSignal.timeout(this.#settings.timeLimitSeconds * 1000) },
      );
    } catch (error) {
      throw refusalOf(error, this.#settings);
    } finally {
      port1.close();
    }
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
  if (/queue is at limit/i.test(error.message)) return new CheckRefused(BUSY);
  return error;
}
