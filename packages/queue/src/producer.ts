import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { JobName, QueueName } from "./names";
import { defaultJobOptions } from "./options";
import { parseJobPayload, type JobPayload } from "./payloads";

/**
 * The only way to enqueue. The payload is parsed before `add()`, the job id is the document id
 * (so a second add of the same document is a no-op in BullMQ), and a failure to reach Redis throws.
 */
export class DocumentQueue {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
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

  async close(): Promise<void> {
    await this.queue.close();
  }
}
