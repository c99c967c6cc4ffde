/**
 * Whether this process has been asked to stop. From the first signal readiness answers no, so a
 * load balancer sends nothing new while requests in flight, and uploads in hand, finish.
 */
export class Lifecycle {
  #stopping = false;
  readonly #inHand = new Set<Promise<unknown>>();

  get stopping(): boolean {
    return this.#stopping;
  }

  beginStopping(): void {
    this.#stopping = true;
  }

  /** Work that outlives its request (an upload being checked or saved), for a stop to wait on. */
  keepInHand(work: Promise<unknown>): void {
    const settled = work.then(
      () => {},
      () => {},
    );
    this.#inHand.add(settled);
    void settled.then(() => this.#inHand.delete(settled));
  }

  /** Settles once the work in hand now has finished, however it ended. */
  async inHandFinished(): Promise<void> {
    await Promise.all(this.#inHand);
  }
}
