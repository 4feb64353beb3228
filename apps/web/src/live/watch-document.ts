import type { DocumentRepository, DocumentWithPages } from "@pagewise/db";
import type { DocumentSignal, DocumentSignals } from "./document-signals";

export interface WatchOptions {
  /** Re-read the row this often even without signals (changes no job event announces, e.g. a cancel). */
  pollMs: number;
}

export interface Watch {
  stop(): void;
}

/**
 * Calls `onRow` with the document row whenever a signal or the poll timer says it may have changed; Postgres
 * stays the authority. Reads never overlap: a signal during a read schedules one more read after it.
 * `onSignal` sees each raw signal first (SSE forwards `progress` at once). A vanished row ends the watch.
 */
export function watchDocument(
  documents: DocumentRepository,
  signals: DocumentSignals | undefined,
  documentId: string,
  options: WatchOptions,
  onRow: (doc: DocumentWithPages) => void,
  onSignal: (signal: DocumentSignal) => void = () => undefined,
  onError: (error: unknown) => void = () => undefined,
): Watch {
  let stopped = false;
  let reading = false;
  let again = false;
  const timers = new Set<NodeJS.Timeout>();

  const read = async (): Promise<void> => {
    if (stopped) return;
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    try {
      do {
        again = false;
        const doc = await documents.find(documentId);
        if (stopped) return;
        if (doc) onRow(doc);
      } while (again && !stopped);
    } catch (error) {
      onError(error);
    } finally {
      reading = false;
    }
  };

  const later = (ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      void read();
    }, ms);
    timers.add(t);
  };

  const unsubscribe = signals?.subscribe(documentId, (signal) => {
    onSignal(signal);
    void read();
    // The worker marks a document failed after its last attempt from the job's `failed` listener, just after
    // BullMQ announces the failure: look once more shortly after.
    if (signal.kind === "changed" && signal.event === "failed") later(1000);
  });
  const poll = setInterval(() => void read(), options.pollMs);

  return {
    stop() {
      stopped = true;
      unsubscribe?.();
      clearInterval(poll);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
