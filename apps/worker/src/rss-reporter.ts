import os from "node:os";
import type { RedisClient } from "@pagewise/queue";
import type { Logger } from "@pagewise/logger";
import { recordWorkerRss } from "@pagewise/metrics";
import type { ComputePool } from "./compute/compute-pool";

/**
 * Reports this worker's memory (its own RSS plus its compute children's) to Redis every `everyMs`, where the web
 * process's /metrics reads it: Heroku cannot scrape worker dynos directly.
 */
export function startRssReporter(redis: RedisClient, prefix: string, compute: ComputePool, log: Logger, everyMs = 15_000) {
  const workerId = process.env.DYNO ?? `${os.hostname()}:${process.pid}`;
  const report = () =>
    recordWorkerRss(redis, prefix, workerId, process.memoryUsage.rss() + compute.childrenRss).catch((error: unknown) =>
      log.debug({ err: error }, "could not report worker RSS"),
    );
  void report();
  const timer = setInterval(report, everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
