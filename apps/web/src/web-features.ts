import type { WebEnv } from "@pagewise/config";
import { countDocumentsByStatus, DocumentChangeListener, readPagesWaiting, type Db } from "@pagewise/db";
import type { Logger } from "@pagewise/logger";
import type { DocumentQueue, RedisClient } from "@pagewise/queue";
import type { Registry } from "prom-client";
import type { WebDeps } from "./deps";
import { OpenStreams } from "./live/open-streams";
import { createMetricsRegistry } from "./observability/metrics";

export type WebFeatures = Pick<WebDeps, "streams" | "metrics" | "security" | "documentChanges">;

/** The admin dashboard needs both variables; one alone leaves it off (and says so). */
export function adminCredentials(env: Pick<WebEnv, "ADMIN_USER" | "ADMIN_PASSWORD">, log?: Logger) {
  if (env.ADMIN_USER && env.ADMIN_PASSWORD) return { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD };
  if (env.ADMIN_USER || env.ADMIN_PASSWORD) log?.warn("set both ADMIN_USER and ADMIN_PASSWORD to enable /admin/queues; it stays off");
  return undefined;
}

/** The registry behind /metrics, on the web's PostgreSQL and Redis (the queue's, and the workers' metrics under `prefix`). */
export function webMetrics(parts: { db: Db; redis: RedisClient; queue: DocumentQueue }, prefix: string): Registry {
  return createMetricsRegistry({
    documentsByStatus: () => countDocumentsByStatus(parts.db),
    jobCounts: () => parts.queue.queue.getJobCounts(),
    backlogJobs: () => parts.queue.backlog(),
    pagesWaiting: () => readPagesWaiting(parts.db.pool),
    redis: parts.redis,
    prefix,
  });
}

/**
 * The change feed (one LISTEN connection to PostgreSQL, which status answers, SSE streams and long-polls follow),
 * metrics, API key, CORS and the admin dashboard, built from the environment for main.ts. `close()` ends the LISTEN
 * connection; SSE streams end on SIGTERM/SIGINT so the server's graceful close does not wait for them.
 */
export async function openWebFeatures(
  env: WebEnv,
  parts: { db: Db; redis: RedisClient; queue: DocumentQueue; log: Logger },
): Promise<{ features: WebFeatures; close: () => Promise<void> }> {
  const documentChanges = new DocumentChangeListener(env.DATABASE_URL, {
    tls: { rejectUnauthorized: env.DATABASE_SSL_REJECT_UNAUTHORIZED },
    onError: (error) =>
      parts.log.warn({ err: error }, "document change notifications lost; status answers are checked against the row and streams re-read it on a timer until they are back"),
  });
  await documentChanges.start();
  const streams = new OpenStreams();
  const endStreams = () => streams.endAll();
  process.on("SIGTERM", endStreams);
  process.on("SIGINT", endStreams);
  const metrics = webMetrics(parts, env.QUEUE_PREFIX);
  const features: WebFeatures = {
    documentChanges,
    streams,
    metrics,
    security: { apiKey: env.API_KEY, corsOrigins: env.CORS_ORIGINS, admin: adminCredentials(env, parts.log) },
  };
  return {
    features,
    close: async () => {
      process.off("SIGTERM", endStreams);
      process.off("SIGINT", endStreams);
      streams.endAll();
      await documentChanges.close();
    },
  };
}
