/**
 * Holds callers until a value is ready (the server's InitializeResult): they wait in order, each with its own
 * deadline, and go on together when the gate opens. Closing it makes later callers wait again.
 * @module
 */

/** A gate that opens with a value. */
export class ReadyGate<T> {
  #value: T | undefined;
  readonly #waiters = new Set<(value: T) => void>();

  /** The value while the gate is open. */
  get value(): T | undefined {
    return this.#value;
  }

  /** Opens the gate: every waiter resolves with `value`, in the order they came. */
  open(value: T): void {
    this.#value = value;
    for (const waiter of [...this.#waiters]) waiter(value);
  }

  /** Closes the gate: callers wait again until the next {@linkcode ReadyGate.open}. */
  close(): void {
    this.#value = undefined;
  }

  /** Resolves with the value once the gate is open; rejects after `timeoutMs`. */
  wait(timeoutMs: number): Promise<T> {
    if (this.#value !== undefined) return Promise.resolve(this.#value);
    return new Promise((resolve, reject) => {
      const waiter = (value: T) => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`not ready within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }
}
