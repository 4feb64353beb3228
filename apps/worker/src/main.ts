import { Worker } from "bullmq";
import { detectorOptionsFrom, parseEnv, redisConfigFrom, storageConfigFrom, workerEnvSchema, type WorkerEnv } from "@pagewise/config";
import { webhookSecretBytes } from "@pagewise/core";
import {
  closePool,
  createPool,
  DocumentChangeListener,
  PgDocumentDeletions,
  PgDocumentProgress,
  PgWebhookDeliveries,
  prepareDatabase,
  StorageOwners,
} from "@pagewise/db/progress";
import { checkDetectorConfig } from "@pagewise/detector/model-files";
import { createLogger } from "@pagewise/logger";
import { recordLimitedPage, recordPageTimings, recordWebhookDelivery } from "@pagewise/metrics";
import { connectRedis, DocumentQueue, JobName, QueueName, WebhookQueue } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { ComputePool } from "./compute/compute-pool";
import { processDocumentHandler, processRangeHandler, type DocumentHandlerDeps } from "./document-handler";
import { finalFailureActions, recordFinalFailure } from "./final-failure";
import { dispatcher, type JobHandlers } from "./handlers";
import { housekeepingHandler } from "./housekeeping-handler";
import { ORPHAN_SWEEP_BATCH, redisSweepCursor } from "./sweep-cursor";
import { installShutdown } from "./shutdown";
import { startRssReporter } from "./rss-reporter";
import { removeStaleTempDirs } from "./temp-dirs";
import { deliverWebhookHandler } from "./webhooks/deliver-handler";
import { enqueueWebhookDeliveries } from "./webhooks/enqueue";

/** A webhook attempt's time limit (the whole request and answer). */
const WEBHOOK_TIMEOUT_MS = 10_000;
/** Deliveries older than this without a finished state are enqueued again by housekeeping (a no-op if their job lives). */
const WEBHOOK_STRAY_MS = 60_000;
/** Finished deliveries are kept this long (the status answer shows the newest from the document's own row). */
const WEBHOOK_KEEP_MS = 7 * 24 * 3600_000;

async function main(): Promise<void> {
  let env: WorkerEnv;
  try {
    env = parseEnv(workerEnvSchema);
  } catch (error) {
    // Before LOG_LEVEL is known: one fatal line that names every bad variable (a DETECTOR_MODEL typo among them).
    createLogger("worker", "info").fatal((error as Error).message);
    process.exit(1);
  }
  const log = createLogger("worker", env.LOG_LEVEL);
  try {
    // Refuse to start with a detector that cannot work (unknown id, missing or non-ONNX model file): one line says
    // what to fix. The model itself loads in the compute child, lazily.
    const detectorOptions = detectorOptionsFrom(env);
    await checkDetectorConfig(env.DETECTOR_MODEL, detectorOptions);
    const stale = removeStaleTempDirs();
    if (stale) log.info({ removed: stale }, "removed the temporary directories of workers that are gone");
    const compute = new ComputePool(
      { detectorId: env.DETECTOR_MODEL, detectorOptions },
      { maxDocumentsPerChild: env.WORKER_MAX_DOCUMENTS_PER_CHILD, maxPagesPerChild: env.WORKER_MAX_PAGES_PER_CHILD, memoryCeilingBytes: env.WORKER_MAX_CHILD_RSS_MB * 2 ** 20 },
      log,
    );
    // The compute child starts now (its model loads while this process connects and migrates): a cold worker's
    // first page no longer waits for both in turn.
    compute.prewarm();
    if (env.MIGRATE_ON_START) await prepareDatabase(env.DATABASE_URL, log);
    // Two connections (a standalone Redis or a cluster, from one configuration): the producer's fails fast (enqueues,
    // metrics, the sweep cursor); the workers' never gives up on a command, and each BullMQ Worker duplicates it for
    // its blocking fetch.
    const redisConfig = redisConfigFrom(env);
    const producerRedis = await connectRedis("producer", redisConfig);
    const workerRedis = await connectRedis("worker", redisConfig);
    // pg alone, not Prisma's client and its WASM compiler: their memory would come out of the dyno the worker
    // shares with its compute child.
    const pool = createPool(env.DATABASE_URL);
    const documents = new PgDocumentProgress(pool);
    const queue = new DocumentQueue(producerRedis, env.QUEUE_PREFIX);
    const store = createObjectStore(storageConfigFrom(env));
    const webhookQueue = new WebhookQueue(producerRedis, env.QUEUE_PREFIX);
    const deliveries = new PgWebhookDeliveries(pool);
    const enqueueWebhooks = (which: { documentId: string } | { olderThanMs: number }) =>
      enqueueWebhookDeliveries({ deliveries, queue: webhookQueue, log }, which);
    let stopping = false;

    const documentDeps: DocumentHandlerDeps = {
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
      split: env.SPLIT_PAGES > 0 ? { pages: env.SPLIT_PAGES, enqueueRanges: (parent, ranges) => queue.enqueueRanges(parent, ranges) } : undefined,
    };
    const handlers: JobHandlers = {
      [JobName.ProcessDocument]: processDocumentHandler(documentDeps),
      [JobName.ProcessRange]: processRangeHandler(documentDeps),
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
        deletions: { deletions: new PgDocumentDeletions(pool), store },
        webhooks: {
          enqueueStray: () => enqueueWebhooks({ olderThanMs: WEBHOOK_STRAY_MS }),
          prune: () => deliveries.prune(WEBHOOK_KEEP_MS),
        },
      }),
      [JobName.DeliverWebhook]: deliverWebhookHandler({
        deliveries,
        secret: env.WEBHOOK_SECRET === undefined ? undefined : webhookSecretBytes(env.WEBHOOK_SECRET),
        allowPrivate: env.WEBHOOK_ALLOW_PRIVATE,
        timeoutMs: WEBHOOK_TIMEOUT_MS,
        log,
        onOutcome: (outcome) => recordWebhookDelivery(producerRedis, env.QUEUE_PREFIX, outcome),
      }),
    };

    const worker = new Worker(QueueName.Documents, dispatcher(handlers), {
      connection: workerRedis,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WORKER_CONCURRENCY,
      lockDuration: env.WORKER_LOCK_DURATION_MS,
      stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
      maxStalledCount: env.WORKER_MAX_STALLED_COUNT,
    });
    const onFinalFailure = finalFailureActions(documents, deliveries, log);
    worker.on("failed", (job, error) => void recordFinalFailure(onFinalFailure, log, job, error));
    worker.on("error", (error) => log.error({ err: error }, "worker error"));
    // Webhooks: their own queue and Worker, so a slow receiver never holds a document slot. Events are heard on the
    // documents' change feed (the trigger that wrote them also notifies) and enqueued at once.
    const webhookWorker = new Worker(QueueName.Webhooks, dispatcher(handlers), {
      connection: workerRedis,
      prefix: env.QUEUE_PREFIX,
      concurrency: env.WEBHOOK_CONCURRENCY,
      lockDuration: env.WORKER_LOCK_DURATION_MS,
      stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    });
    webhookWorker.on("failed", (job, error) => void recordFinalFailure(onFinalFailure, log, job, error));
    webhookWorker.on("error", (error) => log.error({ err: error }, "webhook worker error"));
    const changes = env.WEBHOOK_SECRET === undefined ? undefined : new DocumentChangeListener(env.DATABASE_URL, {
      tls: { rejectUnauthorized: env.DATABASE_SSL_REJECT_UNAUTHORIZED },
      onError: (error) => log.warn({ err: error }, "document change feed lost; reconnecting"),
    });
    const enqueueQuietly = (which: { documentId: string } | { olderThanMs: number }) =>
      void enqueueWebhooks(which).catch((error: unknown) => log.warn({ err: error }, "could not enqueue webhook deliveries; housekeeping will"));
    changes?.on("change", (documentId) => enqueueQuietly({ documentId }));
    changes?.on("live", (live) => live && enqueueQuietly({ olderThanMs: 0 }));
    await changes?.start();
    await Promise.all([worker.waitUntilReady(), webhookWorker.waitUntilReady()]);
    await queue.scheduleHousekeeping(env.HOUSEKEEPING_INTERVAL_SECONDS * 1000);
    log.info({ queue: QueueName.Documents, concurrency: env.WORKER_CONCURRENCY, detector: env.DETECTOR_MODEL, splitPages: env.SPLIT_PAGES }, "worker started");

    const rssReporter = startRssReporter(producerRedis, env.QUEUE_PREFIX, compute, log);

    installShutdown({
      log,
      timeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      beginStopping: () => {
        stopping = true;
      },
      closeWorker: async () => {
        await changes?.close();
        await Promise.all([worker.close(), webhookWorker.close()]);
      },
      killCompute: () => compute.killAll(),
      closeRest: async () => {
        rssReporter.stop();
        await queue.close();
        await webhookQueue.close();
        workerRedis.disconnect();
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
