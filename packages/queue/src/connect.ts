import type { RedisConfig } from "@pagewise/config";
import { describeUnreachable } from "@pagewise/core";
import { createRedisClient, type ConnectionRole, type RedisClient } from "./connection";

/**
 * Connects and waits until Redis answers (a cluster: until it says its state is ok and a node answers), or fails
 * with one line that says what to start or set. The web process must not build a Queue on a connection that is not
 * ready (its offline queue is off).
 */
export async function connectRedis(role: ConnectionRole, config: RedisConfig, options: { timeoutMs?: number } = {}): Promise<RedisClient> {
  const redis = createRedisClient(role, config);
  let lastError: unknown;
  redis.on("error", (error: Error & { lastNodeError?: unknown }) => {
    lastError = error.lastNodeError ?? error; // a cluster wraps its nodes' last error; surfaces below, or later through readiness checks
  });
  const timeoutMs = options.timeoutMs ?? 5000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })), timeoutMs);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const seen = lastError ?? error; // ioredis reports the refused connection as an event, then "Connection is closed"
    const message = seen instanceof Error ? seen.message : String(seen);
    if (config.clusterNodes?.length) {
      // A cluster's client hides the nodes' socket errors ("Failed to refresh slots cache"): name the seeds instead.
      const seeds = config.clusterNodes.map((node) => new URL(node).host).join(", ");
      throw new Error(`Cannot reach the Redis Cluster at ${seeds} (${message}). Start it or set REDIS_CLUSTER_NODES.`, { cause: error });
    }
    throw new Error(describeUnreachable("Redis", config.url, seen) ?? `Redis: ${message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
