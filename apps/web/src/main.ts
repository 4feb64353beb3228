import cluster from "node:cluster";
import { parseEnv, redisConfigFrom, storageConfigFrom, webEnvSchema } from "@pagewise/config";
import { closeDb, createDb, DocumentRepository, prepareDatabase, UploadRepository } from "@pagewise/db";
import { createLogger } from "@pagewise/logger";
import { connectRedis, DocumentQueue } from "@pagewise/queue";
import { createObjectStore } from "@pagewise/storage";
import { createApp } from "./app";
import { runClusterPrimary } from "./cluster";
import { readinessCheck } from "./routes/health";
import { listenWithGracefulShutdown } from "./server";
import { openWebFeatures } from "./web-features";

async function main(): Promise<void> {
  const env = parseEnv(webEnvSchema);
  const log = createLogger("web", env.LOG_LEVEL);
  const tls = { rejectUnauthorized: env.DATABASE_SSL_REJECT_UNAUTHORIZED };
  try {
    if (env.MIGRATE_ON_START && cluster.isPrimary) await prepareDatabase(env.DATABASE_URL, log, tls);
    if (env.WEB_CONCURRENCY > 1 && cluster.isPrimary) {
      // The primary only supervises; each forked process runs everything below.
      runClusterPrimary({ workers: env.WEB_CONCURRENCY, log, shutdownTimeoutMs: (env.SHUTDOWN_TIMEOUT_SECONDS + 5) * 1000 });
      return;
    }
    const redis = await connectRedis("producer", redisConfigFrom(env));
    const db = createDb(env.DATABASE_URL, undefined, tls);
    const queue = new DocumentQueue(redis, env.QUEUE_PREFIX);
    const store = createObjectStore(storageConfigFrom(env), { signedUrlTtlSeconds: env.SIGNED_URL_TTL_SECONDS });
    const web = await openWebFeatures(env, { db, redis, queue, log });
    const app = createApp({
      ...web.features,
      documents: new DocumentRepository(db),
      uploads: new UploadRepository(db),
      directUpload: store.driver === "s3",
      signedUrlTtlSeconds: env.SIGNED_URL_TTL_SECONDS,
      queue,
      store,
      log,
      limits: { maxUploadBytes: env.MAX_UPLOAD_BYTES, maxUploadsInFlight: env.MAX_UPLOADS_IN_FLIGHT, maxOpenStreams: env.MAX_OPEN_STREAMS },
      uploadPolicy: {
        retentionHours: env.RETENTION_HOURS,
        webhookUrl: env.WEBHOOK_URL,
        webhooksEnabled: env.WEBHOOK_SECRET !== undefined,
        allowPrivateWebhooks: env.WEBHOOK_ALLOW_PRIVATE,
      },
      processing: { detector: env.DETECTOR_MODEL, dpi: env.RENDER_DPI },
      checkReady: readinessCheck({ PostgreSQL: () => db.$queryRaw`SELECT 1`, Redis: () => redis.ping() }),
    });
    listenWithGracefulShutdown(app, {
      port: env.PORT,
      host: env.HOST,
      log,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_SECONDS * 1000,
      onClose: async () => {
        await web.close();
        await queue.close();
        redis.disconnect();
        await closeDb(db);
      },
    });
  } catch (error) {
    log.fatal((error as Error).message);
    process.exit(1);
  }
}

void main();
