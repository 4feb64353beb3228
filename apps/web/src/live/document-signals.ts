import { QueueEvents } from "bullmq";
import { z } from "zod";
import { bullConnection, QueueName } from "@pagewise/queue";

/** What another process said about a document: a page finished, or its job changed state (re-read the row). */
export type DocumentSignal = { kind: "progress"; page: number; of: number } | { kind: "changed"; event: string };
export type SignalListener = (signal: DocumentSignal) => void;

/** Live signals per document id; SSE streams and long-polls subscribe, and must unsubscribe. */
export interface DocumentSignals {
  subscribe(documentId: string, listener: SignalListener): () => void;
}

const progressData = z.object({ page: z.number().int().min(0), of: z.number().int().min(0) });

/** Job state changes that may change the document row (the job id is the document id). */
const changeEvents = ["waiting", "active", "completed", "failed", "removed", "stalled"] as const;

/**
 * Fans out one BullMQ QueueEvents stream (Redis XREAD, so it sees events from workers on other machines)
 * to the subscribers of each document. One per web process: many SSE clients cost no extra Redis connections.
 */
export class QueueEventsSignals implements DocumentSignals {
  private readonly listeners = new Map<string, Set<SignalListener>>();

  private constructor(private readonly events: QueueEvents) {
    events.on("progress", ({ jobId, data }) => {
      const parsed = progressData.safeParse(data);
      if (parsed.success) this.emit(jobId, { kind: "progress", ...parsed.data });
    });
    for (const event of changeEvents) {
      events.on(event, (args: { jobId: string }) => this.emit(args.jobId, { kind: "changed", event }));
    }
  }

  /** Opens the shared stream on its own blocking connection and waits until it reads. */
  static async open(redisUrl: string, prefix: string, rejectUnauthorized = true): Promise<QueueEventsSignals> {
    const events = new QueueEvents(QueueName.Documents, {
      connection: bullConnection("worker", redisUrl, rejectUnauthorized),
      prefix,
      autorun: true,
    });
    await events.waitUntilReady();
    return new QueueEventsSignals(events);
  }

  subscribe(documentId: string, listener: SignalListener): () => void {
    let set = this.listeners.get(documentId);
    if (!set) this.listeners.set(documentId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(documentId) === set) this.listeners.delete(documentId);
    };
  }

  /** Number of documents with at least one subscriber (tests check that disconnects clean up). */
  get watchedDocuments(): number {
    return this.listeners.size;
  }

  private emit(documentId: string, signal: DocumentSignal): void {
    for (const listener of this.listeners.get(documentId) ?? []) listener(signal);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.events.close();
  }
}
