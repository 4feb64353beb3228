import { randomBytes } from "node:crypto";
import path from "node:path";
import { Queue, QueueEvents } from "bullmq";
import type { RedisConfig } from "@pagewise/config";
import { createDb, type Db } from "@pagewise/db";
import { connectRedis, QueueName } from "@pagewise/queue";

/** The shared PDFs: `../shared/corpus` beside the checkout, or `CORPUS_DIR` for a clone that lives elsewhere. */
export const corpusDir = process.env.CORPUS_DIR ? path.resolve(process.env.CORPUS_DIR) : path.resolve(__dirname, "../../../shared/corpus");
export const corpusFile = (name: string) => path.join(corpusDir, name);
export const repoRoot = path.resolve(__dirname, "../..");

export const databaseUrl = () => process.env.DATABASE_URL as string;
export const redisUrl = () => process.env.REDIS_URL as string;
/** The tests' standalone Redis, as the processes configure theirs (connectRedis). */
export const testRedis = (): RedisConfig => ({ url: redisUrl(), rejectUnauthorized: true });
/**
 * BullMQ connection options for a Queue, QueueEvents or Worker a test opens on the standalone test Redis to look at
 * jobs (BullMQ opens the connection and closes it with them). The processes connect through connectRedis.
 */
export const testConnection = () => ({ url: redisUrl(), maxRetriesPerRequest: null });

/** A queue prefix of its own for each test file, so tests never see each other's jobs. */
export const randomPrefix = (label = "t") => `pwtest-${label}-${randomBytes(4).toString("hex")}`;

export function testDb(): Db {
  return createDb(databaseUrl(), 2);
}

/** Removes the documents queue's keys under a prefix (cleanup after a test file), on the test Redis or a cluster. */
export async function obliterate(prefix: string, config: RedisConfig = testRedis()): Promise<void> {
  const redis = await connectRedis("worker", config);
  const queue = new Queue(QueueName.Documents, { connection: redis, prefix });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  redis.disconnect();
}

/** Waits for a job to complete or fail, on events, with a deadline. Returns the final state. */
export async function waitForJob(prefix: string, jobId: string, timeoutMs: number): Promise<"completed" | "failed"> {
  const queue = new Queue(QueueName.Documents, { connection: testConnection(), prefix });
  const events = new QueueEvents(QueueName.Documents, { connection: testConnection(), prefix });
  try {
    await events.waitUntilReady();
    const job = await queue.getJob(jobId);
    if (!job) throw new Error(`no job ${jobId}`);
    try {
      await job.waitUntilFinished(events, timeoutMs);
      return "completed";
    } catch (error) {
      if (/timed out/i.test((error as Error).message)) throw error;
      return "failed";
    }
  } finally {
    await events.close();
    await queue.close();
  }
}
