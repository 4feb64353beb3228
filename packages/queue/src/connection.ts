import type { ConnectionOptions } from "bullmq";
import type { RedisOptions } from "ioredis";

export type ConnectionRole = "producer" | "worker";

/**
 * Redis connections as BullMQ's production guide asks:
 * - workers block on Redis and must never give up on a command (`maxRetriesPerRequest: null`);
 * - producers (the web process) fail fast, so an enqueue can never hang or silently do nothing.
 * `rediss://` URLs use TLS; Heroku's self-signed certificates need REDIS_TLS_REJECT_UNAUTHORIZED=false.
 */
export function redisOptionsFor(role: ConnectionRole, url: string, rejectUnauthorized = true): RedisOptions {
  const parsed = new URL(url);
  const options: RedisOptions = {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    db: parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : 0,
    connectionName: `pagewise-${role}`,
    lazyConnect: false,
  };
  if (parsed.protocol === "rediss:") options.tls = { rejectUnauthorized };
  if (role === "worker") {
    options.maxRetriesPerRequest = null;
  } else {
    options.maxRetriesPerRequest = 1;
    options.enableOfflineQueue = false;
    options.connectTimeout = 5000;
  }
  return options;
}

/**
 * The same options typed for BullMQ, which then owns (and closes) the connections it makes from them.
 * The cast only bridges ioredis's and BullMQ's declarations of the same option bag.
 */
export function bullConnection(role: ConnectionRole, url: string, rejectUnauthorized = true): ConnectionOptions {
  return redisOptionsFor(role, url, rejectUnauthorized) as ConnectionOptions;
}
