import type { CommonEnv } from "./env";

/**
 * Where the queue's Redis is: one standalone server (`REDIS_URL`), or a Redis Cluster (`REDIS_CLUSTER_NODES`, which
 * then wins). `@pagewise/queue`'s `connectRedis` is the one place that turns it into a connection.
 */
export interface RedisConfig {
  /** Standalone Redis: `redis://` or `rediss://` (TLS). Not used when `clusterNodes` is set. */
  url: string;
  /** Redis Cluster seed nodes as `redis://[user:password@]host:port` (or `rediss://`), all with the same scheme and credentials. */
  clusterNodes?: readonly string[];
  /** false: TLS without verifying the server's certificate (self-signed certificates). */
  rejectUnauthorized: boolean;
}

export function redisConfigFrom(env: Pick<CommonEnv, "REDIS_URL" | "REDIS_CLUSTER_NODES" | "REDIS_TLS_REJECT_UNAUTHORIZED">): RedisConfig {
  return { url: env.REDIS_URL, clusterNodes: env.REDIS_CLUSTER_NODES, rejectUnauthorized: env.REDIS_TLS_REJECT_UNAUTHORIZED };
}

/**
 * The hash tag of a key prefix, as Redis Cluster reads it: what lies between the first "{" and the next "}", when
 * that is not empty. Every key that starts with the prefix then hashes to that tag's slot, which BullMQ needs (its
 * scripts touch several keys of a queue at once; a flow's parent and children must be in one slot too).
 */
export function hashTagOf(prefix: string): string | undefined {
  const open = prefix.indexOf("{");
  if (open < 0) return undefined;
  const close = prefix.indexOf("}", open + 1);
  return close > open + 1 ? prefix.slice(open + 1, close) : undefined;
}
