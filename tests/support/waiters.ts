/**
 * Promises that settle when a condition over collected data holds: checked at once and again on every `wake()`
 * (called by whoever collects the data), rejected at a deadline. Tests wait on events, never on sleeps.
 */
export class Waiters {
  private readonly checks = new Set<() => void>();

  wake(): void {
    for (const check of [...this.checks]) check();
  }

  /** Resolves with `settled()`'s first defined value; rejects with `failure()`'s message after `timeoutMs`. */
  until<T>(settled: () => T | undefined, timeoutMs: number, failure: () => string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = settled();
        if (value === undefined) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(failure()));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.checks.delete(check);
      };
      this.checks.add(check);
      check();
    });
  }
}

/**
 * Re-checks a condition of this process's own state (a listener's subscriptions, the open streams) on each turn of
 * the event loop until it holds, rejecting at the deadline: for state that has no event to wait on. No fixed sleeps.
 */
export async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setImmediate(r));
  }
}
