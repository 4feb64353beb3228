import type { Cluster, Redis } from "ioredis";
import { metricsKeys } from "./keys";

/** How long a worker's RSS stays visible after its last report (a stopped worker disappears from /metrics). */
export const DEFAULT_WORKER_TTL_SECONDS = 120;

/**
 * Called by the worker periodically (e.g. every 15 s and after each page): stores its resident set size in a
 * hash that expires after `ttlSeconds`, and indexes the worker id (sorted by report time) for the web's scrape.
 */
export async function recordWorkerRss(
  redis: Redis | Cluster,
  prefix: string,
  workerId: string,
  rssBytes: number,
  ttlSeconds: number = DEFAULT_WORKER_TTL_SECONDS,
): Promise<void> {
  const keys = metricsKeys(prefix);
  const now = Date.now();
  await redis
    .multi()
    .hset(keys.worker(workerId), { rssBytes: Math.round(rssBytes), updatedAt: now })
    .expire(keys.worker(workerId), ttlSeconds)
    .zadd(keys.workers, now, workerId)
    .zremrangebyscore(keys.workers, "-inf", now - ttlSeconds * 1000)
    .exec();
}
