import { randomUUID } from "node:crypto";
import { Queue } from "bullmq";
import { connectRedis, DocumentQueue, JobName, QueueName, type RedisClient } from "@pagewise/queue";
import { obliterate, randomPrefix, testRedis, testConnection } from "../support/services";

describe("DocumentQueue against real Redis", () => {
  const prefix = randomPrefix("queue");
  let redis: RedisClient;
  let queue: DocumentQueue;
  let inspect: Queue;

  beforeAll(async () => {
    redis = await connectRedis("producer", testRedis());
    queue = new DocumentQueue(redis, prefix);
    inspect = new Queue(QueueName.Documents, { connection: testConnection(), prefix });
  });
  afterAll(async () => {
    await queue.close();
    await inspect.close();
    redis.disconnect();
    await obliterate(prefix);
  });

  it("uses the document id as the job id, so a second enqueue is a no-op", async () => {
    const documentId = randomUUID();
    expect(await queue.enqueueProcessDocument({ documentId })).toBe(documentId);
    expect(await queue.enqueueProcessDocument({ documentId })).toBe(documentId);
    const jobs = await inspect.getJobs(["waiting"]);
    expect(jobs.filter((j) => j.id === documentId)).toHaveLength(1);
    const job = await inspect.getJob(documentId);
    expect(job?.name).toBe(JobName.ProcessDocument);
    expect(job?.data).toEqual({ documentId });
    expect(job?.opts.attempts).toBeGreaterThan(1);
  });

  it("refuses a payload that breaks the contract before it reaches Redis", async () => {
    await expect(queue.enqueueProcessDocument({ documentId: "not-a-uuid" })).rejects.toThrow();
    expect(await inspect.getJobCounts("waiting")).toEqual({ waiting: 1 });
  });

  it("fails loudly, never silently, when Redis is gone", async () => {
    const lost = await connectRedis("producer", testRedis());
    const doomed = new DocumentQueue(lost, prefix);
    await doomed.queue.waitUntilReady();
    lost.disconnect();
    await expect(doomed.enqueueProcessDocument({ documentId: randomUUID() })).rejects.toThrow();
    await doomed.close().catch(() => undefined);
  });

  it("says what to start when Redis cannot be reached", async () => {
    await expect(connectRedis("producer", { url: "redis://127.0.0.1:1", rejectUnauthorized: true }, { timeoutMs: 3000 })).rejects.toThrow(
      /Cannot reach Redis at 127\.0\.0\.1:1 .*Start Redis or set REDIS_URL/,
    );
  });
});
