/**
 * Whether this process has been asked to stop. From the first signal readiness answers no, so a
 * load balancer sends nothing new while requests in flight finish.
 */
export class Lifecycle {
  #stopping = false;

  get stopping(): boolean {
    return this.#stopping;
  }

  beginStopping(): void {
    this.#stopping = true;
  }
}
