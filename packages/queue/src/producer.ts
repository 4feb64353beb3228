import { FlowProducer, Queue, type ParentOptions } from "bullmq";
import type { RedisClient } from "./connection";
import { JobName, QueueName } from "./names";
import { defaultJobOptions, HOUSEKEEPING_SCHEDULER_ID } from "./options";
import { parseJobPayload, type JobPayload } from "./payloads";

/**
 * The only way to enqueue. The payload is parsed before `add()`, the job id is the document id
 * (so a second add of the same document is a no-op in BullMQ), and a failure to reach Redis throws.
 */
export class DocumentQueue {
  readonly queue: Queue;
  private flows: FlowProducer | undefined;

  constructor(
    private readonly connection: RedisClient,
    private readonly prefix: string,
  ) {
    this.queue = new Queue(QueueName.Documents, { connection, prefix });
  }

  async enqueueProcessDocument(payload: JobPayload<typeof JobName.ProcessDocument>): Promise<string> {
    const data = parseJobPayload(JobName.ProcessDocument, payload);
    const job = await this.queue.add(JobName.ProcessDocument, data, {
      ...defaultJobOptions[JobName.ProcessDocument],
      jobId: data.documentId,
    });
    if (!job.id) throw new Error(`enqueue of ${data.documentId} returned no job id`);
    return job.id;
  }

  /**
   * Adds a split document's page ranges as children of its `process-document` job (`parent`: the job itself, which
   * then waits for them: docs/splitting.md), in one atomic FlowProducer call. Ids are `rangeJobId`, so adding a range
   * that is still waiting or running again is a no-op.
   */
  async enqueueRanges(parent: ParentOptions, ranges: Array<JobPayload<typeof JobName.ProcessRange>>): Promise<void> {
    const name = JobName.ProcessRange;
    this.flows ??= new FlowProducer({ connection: this.connection, prefix: this.prefix });
    await this.flows.addBulk(
      ranges.map((range) => {
        const data = parseJobPayload(name, range);
        return {
          name,
          queueName: QueueName.Documents,
          data,
          opts: { ...defaultJobOptions[name], jobId: rangeJobId(data.documentId, data.firstPage, data.lastPage), parent },
        };
      }),
    );
  }

  /**
   * Removes a document's job so the same id can be enqueued again (retry) or is not picked (cancel), with its range
   * jobs if it was split. Returns false when the job or one of its ranges is locked by a worker (which sees the
   * document's status between pages); its ranges that are not running are removed all the same, so that none starts.
   */
  async removeJob(documentId: string): Promise<boolean> {
    try {
      if ((await this.queue.remove(documentId)) === 1) return true;
      const job = await this.queue.getJob(documentId);
      if (job) await job.removeUnprocessedChildren();
      return false;
    } catch {
      return false;
    }
  }

  /** The job's state, or "missing" when Redis has no record of it. */
  async jobState(documentId: string): Promise<string> {
    const state = await this.queue.getJobState(documentId);
    return state === "unknown" ? "missing" : state;
  }

  /**
   * Jobs waiting for a worker, the backlog an autoscaler reads: waiting + prioritized + delayed (retry back-offs).
   * BullMQ keeps each in a list or set of its own, so its `wait` list alone undercounts. The housekeeping run the
   * scheduler holds as a delayed job is left out until it is due, or the backlog would never be zero. Two scripts
   * sent together (one round trip): BullMQ's counts and the scheduler's next run.
   */
  async backlog(now = Date.now()): Promise<number> {
    const [counts, housekeeping] = await Promise.all([
      this.queue.getJobCounts("waiting", "prioritized", "delayed"),
      this.queue.getJobScheduler(HOUSEKEEPING_SCHEDULER_ID),
    ]);
    const scheduledHousekeeping = typeof housekeeping?.next === "number" && housekeeping.next > now ? 1 : 0;
    const total = (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0);
    return Math.max(0, total - scheduledHousekeeping);
  }

  /** Upserts the repeating housekeeping job (BullMQ job scheduler): idempotent across workers and restarts. */
  async scheduleHousekeeping(everyMs: number): Promise<void> {
    const name = JobName.Housekeeping;
    await this.queue.upsertJobScheduler(
      HOUSEKEEPING_SCHEDULER_ID,
      { every: everyMs },
      { name, data: parseJobPayload(name, {}), opts: defaultJobOptions[name] },
    );
  }

  async close(): Promise<void> {
    await this.flows?.close();
    await this.queue.close();
  }
}

/**
 * A range job's id: never the document id (which is its parent's), and without `:`, which BullMQ refuses in custom
 * ids. Deterministic, so a parent that adds its ranges twice (it crashed in between) adds each once.
 */
export function rangeJobId(documentId: string, firstPage: number, lastPage: number): string {
  return `${documentId}-pages-${firstPage}-${lastPage}`;
}

/**
 * Enqueues webhook deliveries on their own queue. The job id is the delivery id (`msg_…`, never a document's uuid):
 * a delivery enqueued by several workers at once, or again by housekeeping, is one job.
 */
export class WebhookQueue {
  readonly queue: Queue;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue(QueueName.Webhooks, { connection, prefix });
  }

  async enqueueDelivery(payload: JobPayload<typeof JobName.DeliverWebhook>): Promise<string> {
    const data = parseJobPayload(JobName.DeliverWebhook, payload);
    const job = await this.queue.add(JobName.DeliverWebhook, data, { ...defaultJobOptions[JobName.DeliverWebhook], jobId: data.deliveryId });
    if (!job.id) throw new Error(`enqueue of webhook delivery ${data.deliveryId} returned no job id`);
    return job.id;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
