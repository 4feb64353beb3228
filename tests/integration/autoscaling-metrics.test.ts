import { randomUUID } from "node:crypto";
import { Worker } from "bullmq";
import { closeDb, createDb, prepareDatabase, type Db } from "@pagewise/db";
import { createLogger } from "@pagewise/logger";
import { connectRedis, DocumentQueue, JobName, QueueName, type RedisClient } from "@pagewise/queue";
import { webMetrics } from "@pagewise/web/web-features";
import { dropDatabase } from "../../apps/bench/src/stack";
import { databaseUrl, obliterate, randomPrefix, testConnection, testRedis } from "../support/services";

/**
 * The backlog an autoscaler reads from /metrics, on real PostgreSQL and Redis. A database of its own, so the pages
 * waiting are exactly this test's (other test files leave queued documents in the shared one).
 */
describe("the autoscaling signal on /metrics (real PostgreSQL and Redis)", () => {
  const prefix = randomPrefix("scaling");
  const url = new URL(databaseUrl());
  url.pathname = `${url.pathname}_${prefix.replace(/-/g, "_")}`;
  const ownDatabase = url.toString();
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;

  beforeAll(async () => {
    await prepareDatabase(ownDatabase, createLogger("test", "silent"));
    db = createDb(ownDatabase, 2);
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
  });
  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    if (db) await closeDb(db);
    await obliterate(prefix);
    await dropDatabase(ownDatabase);
  });

  async function insertDocument(status: string, pageCount: number | null, pagesDone: number): Promise<string> {
    const id = randomUUID();
    await db.pool.query(
      `INSERT INTO documents (id, title, filename, status, source_key, source_bytes, page_count, pages_done)
       VALUES ($1, 't', 't.pdf', $2::"DocumentStatus", $3, 1, $4, $5)`,
      [id, status, `documents/${id}/source.pdf`, pageCount, pagesDone],
    );
    return id;
  }

  /** A worker takes the one job in the queue (the first housekeeping run) and completes it; then it stops. */
  async function runOneJob(): Promise<void> {
    const worker = new Worker(QueueName.Documents, async () => undefined, { connection: testConnection(), prefix });
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        worker.once("completed", () => resolve());
        worker.once("failed", (_job, error) => reject(error));
        timer = setTimeout(() => reject(new Error("the job did not complete within 15 s")), 15_000);
      });
    } finally {
      clearTimeout(timer);
      await worker.close();
    }
  }

  const sample = (text: string, name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);

  it("counts prioritized and delayed jobs, which BullMQ's wait list leaves out, and the pages still to do", async () => {
    const queued = await insertDocument("queued", 10, 0);
    await insertDocument("processing", 31, 12); // 19 to do
    await insertDocument("queued", null, 0); // not opened yet: no page count
    await insertDocument("succeeded", 5, 5);
    await insertDocument("failed", 7, 3);
    await insertDocument("cancelled", 9, 2);

    // Housekeeping as a running system has it: its first run done, the next one held as a delayed job (not backlog
    // until it is due).
    await queue.scheduleHousekeeping(3_600_000);
    await runOneJob();
    await queue.enqueueProcessDocument({ documentId: queued });
    await queue.queue.add(JobName.ProcessDocument, { documentId: randomUUID() }, { priority: 5 });
    await queue.queue.add(JobName.ProcessDocument, { documentId: randomUUID() }, { delay: 3_600_000 });

    const text = await webMetrics({ db, redis, queue }, prefix).metrics();
    expect(text).toContain('pagewise_queue_jobs{state="waiting"} 1'); // what counting `wait` alone would say
    expect(text).toContain('pagewise_queue_jobs{state="delayed"} 2'); // the delayed job and the next housekeeping run
    expect(sample(text, "pagewise_queue_backlog_jobs")).toBe(3);
    expect(sample(text, "pagewise_pages_waiting")).toBe(10 + 19);
    expect(sample(text, "pagewise_documents_unopened")).toBe(1);
  });

  it("counts the housekeeping run once it is due, and no longer a job a worker has taken", async () => {
    expect(await queue.backlog(Date.now() + 3_600_000 + 60_000)).toBe(4);
    const fetcher = new Worker(QueueName.Documents, null, { connection: testConnection(), prefix, autorun: false });
    try {
      expect(await fetcher.getNextJob("autoscaling-test")).toBeDefined();
      expect(await queue.backlog()).toBe(2);
    } finally {
      await fetcher.close();
    }
  });
});
