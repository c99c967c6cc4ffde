/**
 * Rung when an email is queued, so this server's sender sends it at once instead of at its next
 * round. Nobody listening (the command-line tool, a test) is fine: the row waits in the outbox.
 */
export class OutboxBell {
  readonly #listeners = new Set<() => void>();

  ring(): void {
    for (const listener of this.#listeners) listener();
  }

  /** The listener is called on each ring until the returned function is called. */
  listen(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
