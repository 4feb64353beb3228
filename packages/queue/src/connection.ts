import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import type { RedisConfig } from "@pagewise/config";

export type ConnectionRole = "producer" | "worker";

/** A connection to the queue's Redis: one server, or a Redis Cluster. BullMQ takes either as its `connection`. */
export type RedisClient = Redis | Cluster;

/**
 * Per role, as BullMQ's production guide asks:
 * - workers block on Redis and must never give up on a command (`maxRetriesPerRequest: null`; BullMQ refuses a
 *   blocking connection without it, and duplicates this one for each Worker's blocking fetch);
 * - producers (the web process) fail fast, so an enqueue can never hang or silently do nothing (no offline queue).
 * `rediss://` uses TLS; self-signed certificates (Heroku) need REDIS_TLS_REJECT_UNAUTHORIZED=false.
 */
function roleOptions(role: ConnectionRole): RedisOptions {
  return role === "worker"
    ? { connectionName: `pagewise-${role}`, maxRetriesPerRequest: null }
    : { connectionName: `pagewise-${role}`, maxRetriesPerRequest: 1, connectTimeout: 5000 };
}

function credentialsOf(url: URL, rejectUnauthorized: boolean): RedisOptions {
  return {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === "rediss:" ? { rejectUnauthorized } : undefined,
  };
}

/**
 * The one way from configuration to a Redis connection (web, worker, their BullMQ queues and workers, metrics,
 * housekeeping, the launcher's probe and the bench all come here). Not connected yet: `connectRedis` connects and
 * waits until it answers.
 *
 * A cluster (`clusterNodes`): ioredis's `Cluster`, seeded with those nodes, which finds the others itself; every
 * node gets the same credentials and TLS. The seed addresses are used as given (no DNS lookup of the addresses the
 * cluster announces: TLS certificates name the hosts, as ElastiCache and MemoryDB document).
 */
export function createRedisClient(role: ConnectionRole, config: RedisConfig): RedisClient {
  const producer = role === "producer";
  if (config.clusterNodes?.length) {
    const seeds = config.clusterNodes.map((node) => new URL(node));
    const first = seeds[0] as URL;
    const options: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: !producer,
      redisOptions: { ...roleOptions(role), ...credentialsOf(first, config.rejectUnauthorized) },
    };
    if (first.protocol === "rediss:") options.dnsLookup = (address, callback) => callback(null, address);
    return new Cluster(
      seeds.map((u) => ({ host: u.hostname, port: Number(u.port) })),
      options,
    );
  }
  const url = new URL(config.url);
  return new Redis({
    host: url.hostname,
    port: url.port ? Number(url.port) : 6379,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    ...credentialsOf(url, config.rejectUnauthorized),
    ...roleOptions(role),
    enableOfflineQueue: !producer,
    lazyConnect: true,
  });
}
