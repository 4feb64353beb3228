import { randomBytes } from "node:crypto";
import path from "node:path";
import { Queue, QueueEvents } from "bullmq";
import { createDb, type Db } from "@pagewise/db";
import { QueueName, bullConnection } from "@pagewise/queue";

/** The shared PDFs: `../shared/corpus` beside the checkout, or `CORPUS_DIR` for a clone that lives elsewhere. */
export const corpusDir = process.env.CORPUS_DIR ? path.resolve(process.env.CORPUS_DIR) : path.resolve(__dirname, "../../../shared/corpus");
export const corpusFile = (name: string) => path.join(corpusDir, name);
export const repoRoot = path.resolve(__dirname, "../..");

export const databaseUrl = () => process.env.DATABASE_URL as string;
export const redisUrl = () => process.env.REDIS_URL as string;

/** A queue prefix of its own for each test file, so tests never see each other's jobs. */
export const randomPrefix = (label = "t") => `pwtest-${label}-${randomBytes(4).toString("hex")}`;

export function testDb(): Db {
  return createDb(databaseUrl(), 2);
}

/** Removes every Redis key under a prefix (cleanup after a test file). */
export async function obliterate(prefix: string): Promise<void> {
  const queue = new Queue(QueueName.Documents, { connection: bullConnection("worker", redisUrl()), prefix });
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
}

/** Waits for a job to complete or fail, on events, with a deadline. Returns the final state. */
export async function waitForJob(prefix: string, jobId: string, timeoutMs: number): Promise<"completed" | "failed"> {
  const queue = new Queue(QueueName.Documents, { connection: bullConnection("worker", redisUrl()), prefix });
  const events = new QueueEvents(QueueName.Documents, { connection: bullConnection("worker", redisUrl()), prefix });
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
