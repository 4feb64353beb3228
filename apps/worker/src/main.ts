import { Worker } from "bullmq";
import { parseEnv, storageConfigFrom, workerEnvSchema } from "@pagewise/config";
import { failureMessages } from "@pagewise/core";
import { createDb, DocumentRepository, prepareDatabase } from "@pagewise/db";
import { createLogger } from "@pagewise/logger";
import { connectRedis, JobName, QueueName } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { DetectorProvider } from "./detector-provider";
import { processDocumentHandler } from "./document-handler";
import { dispatcher, type JobHandlers } from "./handlers";

async function main(): Promise<void> {
  const env = parseEnv(workerEnvSchema);
  const log = createLogger("worker", env.LOG_LEVEL);
  try {
    if (env.MIGRATE_ON_START) await prepareDatabase(env.DATABASE_URL, log);
    const connection = await connectRedis("worker", env.REDIS_URL, { rejectUnauthorized: env.REDIS_TLS_REJECT_UNAUTHORIZED });
    const db = createDb(env.DATABASE_URL);
    const documents = new DocumentRepository(db);
    const detectors = new DetectorProvider(env.DETECTOR_MODEL, { threads: env.DETECTOR_THREADS, maxSide: env.DETECTOR_MAX_SIDE });
    const handlers: JobHandlers = {
      [JobName.ProcessDocument]: processDocumentHandler({
        documents,
        store: createObjectStore(storageConfigFrom(env)),
        detectors,
        log,
        limits: {
          dpi: env.RENDER_DPI,
          maxPixels: env.MAX_PAGE_PIXELS,
          maxPages: env.MAX_PAGES,
          maxSourceBytes: env.MAX_UPLOAD_BYTES,
          documentTimeoutMs: env.DOCUMENT_TIMEOUT_SECONDS * 1000,
        },
      }),
    };
    const worker = new Worker(QueueName.Documents, dispatcher(handlers), {
      connection,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
    });

    // A job that ends failed for good (attempts used up, stalled too often, unrecoverable) must leave the
    // document failed, even when the processor never ran (stalls are detected by whichever worker notices).
    worker.on("failed", (job, error) => {
      if (!job) return;
      void (async () => {
        if ((await job.getState()) !== "failed") return;
        const stalled = /stalled/i.test(error.message);
        const code = stalled ? "stalled" : "internal";
        if (await documents.markFailed(job.data.documentId, code, failureMessages[code]))
          log.error({ documentId: job.data.documentId, err: error }, "document failed after its last attempt");
      })().catch((e) => log.error({ err: e }, "could not record a failed job"));
    });
    worker.on("error", (error) => log.error({ err: error }, "worker error"));
    log.info({ queue: QueueName.Documents, concurrency: env.WORKER_CONCURRENCY, detector: env.DETECTOR_MODEL }, "worker started");

    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "worker shutting down");
      const deadline = setTimeout(() => {
        log.warn("shutdown deadline reached; exiting with the job unfinished (it will be picked up again)");
        process.exit(1);
      }, env.SHUTDOWN_TIMEOUT_SECONDS * 1000);
      deadline.unref();
      await worker.close();
      await detectors.dispose();
      connection.disconnect();
      await db.$disconnect();
      log.info("worker stopped");
      process.exit(0);
    };
    process.once("SIGTERM", () => void stop("SIGTERM"));
    process.once("SIGINT", () => void stop("SIGINT"));
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
}

void main();
