import type { DocumentChangeSubscriptions } from "@pagewise/db";

export interface WatchOptions {
  /** While the change feed is down (or absent), re-read the row this often: the one fallback. */
  pollMs: number;
}

export interface Watch {
  stop(): void;
}

/**
 * Calls `onRow` with the document's row after every change PostgreSQL notifies for it (the web's one change feed,
 * DocumentChangeListener), and, while that feed is not live, every `pollMs`; when it comes back, once more for what
 * it may have missed. Reads never overlap: a change during a read schedules one more read after it, so the last
 * state is always read. It reads once at start, after subscribing. A vanished row is not reported.
 */
export function watchDocument<Row>(
  read: () => Promise<Row | null>,
  changes: DocumentChangeSubscriptions | undefined,
  documentId: string,
  options: WatchOptions,
  onRow: (row: Row) => void,
  onError: (error: unknown) => void = () => undefined,
): Watch {
  let stopped = false;
  let reading = false;
  let again = false;

  const readNow = async (): Promise<void> => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const row = await read();
        if (stopped) return;
        if (row) onRow(row);
      } while (again && !stopped);
    } catch (error) {
      onError(error);
    } finally {
      reading = false;
    }
  };

  // Also called when the feed is live again, for what it may have missed.
  const unsubscribe = changes?.subscribe(documentId, () => void readNow());
  const poll = setInterval(() => {
    if (!changes?.live) void readNow();
  }, options.pollMs);
  void readNow(); // a change between the caller's first read and the subscription above is not missed

  return {
    stop() {
      stopped = true;
      unsubscribe?.();
      clearInterval(poll);
    },
  };
}
