import { randomUUID } from "node:crypto";
import { Queue, UnrecoverableError, Worker } from "bullmq";
import { createLogger } from "@pagewise/logger";
import { closeDb, DocumentRepository, type Db } from "@pagewise/db";
import { PgDocumentProgress } from "@pagewise/db/progress";
import { connectRedis, DocumentQueue, HOUSEKEEPING_SCHEDULER_ID, JobName, QueueName, type RedisClient } from "@pagewise/queue";
import { housekeepingHandler } from "@pagewise/worker/housekeeping-handler";
import { obliterate, randomPrefix, testDb, testRedis, testConnection } from "../support/services";

describe("housekeeping reconciles Postgres with Redis (real services)", () => {
  const prefix = randomPrefix("hk");
  let db: Db;
  let redis: RedisClient;
  let queue: DocumentQueue;
  let inspect: Queue;
  let documents: DocumentRepository;
  const ids: string[] = [];

  beforeAll(async () => {
    db = testDb();
    documents = new DocumentRepository(db);
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix });
    // Unfinished leftovers of earlier, interrupted runs on this database would be reconciled too; clear them.
    await db.document.deleteMany({
      where: { status: { in: ["queued", "processing"] }, updatedAt: { lt: new Date(Date.now() - 600_000) } },
    });
  });
  afterAll(async () => {
    await db.document.deleteMany({ where: { id: { in: ids } } });
    await queue.close();
    await inspect.close();
    redis.disconnect();
    await closeDb(db);
    await obliterate(prefix);
  });

  async function oldDocument(status: "queued" | "processing") {
    const id = randomUUID();
    ids.push(id);
    await documents.create({ id, title: "T", filename: "t.pdf", sourceKey: `documents/${id}/source.pdf`, sourceBytes: 1 });
    await db.document.update({ where: { id }, data: { status, updatedAt: new Date(Date.now() - 3600_000) } });
    return id;
  }

  const run = () =>
    housekeepingHandler({ documents: new PgDocumentProgress(db.pool), queue, log: createLogger("hk-test", "silent"), staleMs: 60_000, keepFinishedJobsMs: 1000 })(
      {},
      undefined as never,
      undefined,
    );

  it("re-queues unfinished documents whose jobs vanished from Redis (e.g. after a flush)", async () => {
    const queued = await oldDocument("queued");
    const processing = await oldDocument("processing");
    expect(await inspect.getJob(queued)).toBeUndefined();
    await run();
    expect((await inspect.getJob(queued))?.data).toEqual({ documentId: queued });
    expect((await inspect.getJob(processing))?.data).toEqual({ documentId: processing });
  });

  it("leaves documents with live jobs alone and marks documents whose job failed for good", async () => {
    await inspect.drain(); // jobs re-queued by the previous test
    // A job that failed for good while its document stayed `processing` (the worker died before marking it).
    const orphan = await oldDocument("processing");
    await queue.enqueueProcessDocument({ documentId: orphan });
    const fetcher = new Worker(QueueName.Documents, null, { connection: testConnection(), prefix, autorun: false });
    try {
      const job = await fetcher.getNextJob("token-1");
      expect(job?.id).toBe(orphan);
      await job!.moveToFailed(new UnrecoverableError("worker vanished"), "token-1");
    } finally {
      await fetcher.close();
    }

    const live = await oldDocument("queued");
    await queue.enqueueProcessDocument({ documentId: live });
    const before = await inspect.getJob(live);
    expect(await inspect.getJobState(orphan)).toBe("failed");
    await run();
    expect((await inspect.getJob(live))?.timestamp).toBe(before?.timestamp);
    expect(await documents.find(orphan)).toMatchObject({ status: "failed", errorCode: "internal" });
  });

  it("leaves a split document alone while its job waits for its page ranges (a flow)", async () => {
    await inspect.drain(); // jobs re-queued by the earlier tests
    const split = await oldDocument("processing");
    await queue.enqueueProcessDocument({ documentId: split });
    const fetcher = new Worker(QueueName.Documents, null, { connection: testConnection(), prefix, autorun: false });
    try {
      const parent = await fetcher.getNextJob("token-2");
      expect(parent?.id).toBe(split);
      await queue.enqueueRanges({ id: split, queue: parent!.queueQualifiedName }, [{ documentId: split, firstPage: 1, lastPage: 24, deadline: Date.now() + 60_000 }]);
      expect(await parent!.moveToWaitingChildren("token-2")).toBe(true);
    } finally {
      await fetcher.close();
    }
    const before = await inspect.getJob(split);
    await run();
    expect(await inspect.getJobState(split)).toBe("waiting-children");
    expect((await inspect.getJob(split))?.timestamp).toBe(before?.timestamp);
    expect(await documents.find(split)).toMatchObject({ status: "processing" });
  });

  it("registers one repeating schedule however many workers upsert it", async () => {
    await queue.scheduleHousekeeping(60_000);
    await queue.scheduleHousekeeping(60_000);
    const schedulers = await inspect.getJobSchedulers();
    expect(schedulers.filter((s) => s.key === HOUSEKEEPING_SCHEDULER_ID)).toHaveLength(1);
    expect(schedulers[0]?.name).toBe(JobName.Housekeeping);
  });
});
