import { Redis } from "ioredis";
import { describeUnreachable } from "@pagewise/core";
import { redisOptionsFor, type ConnectionRole } from "./connection";

/**
 * Connects and waits until Redis answers, or fails with one line that says what to start.
 * The web process must not build a Queue on a connection that is not ready (its offline queue is off).
 */
export async function connectRedis(
  role: ConnectionRole,
  url: string,
  options: { rejectUnauthorized?: boolean; timeoutMs?: number } = {},
): Promise<Redis> {
  const redis = new Redis({ ...redisOptionsFor(role, url, options.rejectUnauthorized ?? true), lazyConnect: true });
  let lastError: unknown;
  redis.on("error", (error) => {
    lastError = error; // surfaces below, or later through readiness checks
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
    throw new Error(describeUnreachable("Redis", url, seen) ?? `Redis: ${(seen as Error).message}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
