import { Worker } from "bullmq";
import { parseEnv, storageConfigFrom, workerEnvSchema } from "@pagewise/config";
import { closePool, createPool, PgDocumentProgress, prepareDatabase, StorageOwners } from "@pagewise/db/progress";
import { checkDetectorConfig } from "@pagewise/detector/model-files";
import { createLogger } from "@pagewise/logger";
import { recordLimitedPage, recordPageTimings } from "@pagewise/metrics";
import { bullConnection, connectRedis, DocumentQueue, JobName, QueueName } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { ComputePool } from "./compute/compute-pool";
import { processDocumentHandler } from "./document-handler";
import { recordFinalFailure } from "./final-failure";
import { dispatcher, type JobHandlers } from "./handlers";
import { housekeepingHandler } from "./housekeeping-handler";
import { ORPHAN_SWEEP_BATCH, redisSweepCursor } from "./sweep-cursor";
import { installShutdown } from "./shutdown";
import { startRssReporter } from "./rss-reporter";
import { removeStaleTempDirs } from "./temp-dirs";

async function main(): Promise<void> {
  const env = parseEnv(workerEnvSchema);
  const log = createLogger("worker", env.LOG_LEVEL);
  try {
    // Refuse to start with a detector that cannot work (unknown id, missing or non-ONNX model file): one line says
    // what to fix. The model itself loads in the compute child, lazily.
    await checkDetectorConfig(env.DETECTOR_MODEL, { modelPath: env.YOLO_MODEL_PATH, labelsPath: env.YOLO_LABELS_PATH });
    const stale = removeStaleTempDirs();
    if (stale) log.info({ removed: stale }, "removed the temporary directories of workers that are gone");
    if (env.MIGRATE_ON_START) await prepareDatabase(env.DATABASE_URL, log);
    const tls = env.REDIS_TLS_REJECT_UNAUTHORIZED;
    const producerRedis = await connectRedis("producer", env.REDIS_URL, { rejectUnauthorized: tls });
    // pg alone, not Prisma's client: ~24 MB less in the process that shares a dyno with the compute child.
    const pool = createPool(env.DATABASE_URL);
    const documents = new PgDocumentProgress(pool);
    const queue = new DocumentQueue(producerRedis, env.QUEUE_PREFIX);
    const store = createObjectStore(storageConfigFrom(env));
    const compute = new ComputePool(
      {
        detectorId: env.DETECTOR_MODEL,
        detectorThreads: env.DETECTOR_THREADS,
        detectorMaxSide: env.DETECTOR_MAX_SIDE,
        detectorModelPath: env.YOLO_MODEL_PATH,
        detectorLabelsPath: env.YOLO_LABELS_PATH,
        detectorConfidence: env.YOLO_CONFIDENCE,
        detectorIou: env.YOLO_IOU,
      },
      { maxDocumentsPerChild: env.WORKER_MAX_DOCUMENTS_PER_CHILD, memoryCeilingBytes: env.WORKER_MAX_CHILD_RSS_MB * 2 ** 20 },
      log,
    );
    let stopping = false;

    const handlers: JobHandlers = {
      [JobName.ProcessDocument]: processDocumentHandler({
        documents,
        store,
        compute,
        detectorId: env.DETECTOR_MODEL,
        log,
        stopping: () => stopping,
        onPageDone: async (_documentId, page) => {
          const recorded = [
            page.timings && recordPageTimings(producerRedis, env.QUEUE_PREFIX, page.timings),
            page.limited && recordLimitedPage(producerRedis, env.QUEUE_PREFIX, page.limited.outcome, page.limited.reason),
          ];
          await Promise.all(recorded).catch((error: unknown) => log.debug({ err: error }, "could not record page metrics"));
        },
        limits: {
          dpi: env.RENDER_DPI,
          maxPixels: env.MAX_PAGE_PIXELS,
          maxDeclaredPixels: env.MAX_IMAGE_PIXELS,
          maxPages: env.MAX_PAGES,
          maxSourceBytes: env.MAX_UPLOAD_BYTES,
          pageTimeoutMs: env.PAGE_TIMEOUT_SECONDS * 1000,
          pageFailurePolicy: env.PAGE_FAILURE_POLICY,
          documentTimeoutMs: env.DOCUMENT_TIMEOUT_SECONDS * 1000,
        },
      }),
      [JobName.Housekeeping]: housekeepingHandler({
        documents,
        queue,
        log,
        staleMs: env.HOUSEKEEPING_STALE_SECONDS * 1000,
        keepFinishedJobsMs: 7 * 24 * 3600 * 1000,
        orphans: {
          store,
          owners: new StorageOwners(pool),
          cursor: redisSweepCursor(producerRedis, env.QUEUE_PREFIX),
          graceMs: env.HOUSEKEEPING_ORPHAN_GRACE_SECONDS * 1000,
          batch: ORPHAN_SWEEP_BATCH,
        },
      }),
    };

    const worker = new Worker(QueueName.Documents, dispatcher(handlers), {
      connection: bullConnection("worker", env.REDIS_URL, tls),
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: env.WORKER_LOCK_DURATION_MS,
      stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
    });
    worker.on("failed", (job, error) => recordFinalFailure(documents, log, job, error));
    worker.on("error", (error) => log.error({ err: error }, "worker error"));
    await worker.waitUntilReady();
    await queue.scheduleHousekeeping(env.HOUSEKEEPING_INTERVAL_SECONDS * 1000);
    log.info({ queue: QueueName.Documents, concurrency: env.WORKER_CONCURRENCY, detector: env.DETECTOR_MODEL }, "worker started");

    const rssReporter = startRssReporter(producerRedis, env.QUEUE_PREFIX, compute, log);

    installShutdown({
      log,
      timeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      beginStopping: () => {
        stopping = true;
      },
      closeWorker: () => worker.close(),
      killCompute: () => compute.killAll(),
      closeRest: async () => {
        rssReporter.stop();
        await queue.close();
        producerRedis.disconnect();
        await closePool(pool);
      },
    });
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
}

void main();
