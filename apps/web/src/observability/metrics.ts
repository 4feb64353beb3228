import type { Redis } from "ioredis";
import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import { registerWorkerMetrics } from "@pagewise/metrics";

export interface MetricSources {
  /** Documents per status, from Postgres. */
  documentsByStatus: () => Promise<Record<string, number>>;
  /** BullMQ job counts per state (waiting, active, delayed, failed, ...). */
  jobCounts: () => Promise<Record<string, number>>;
  /** Redis with the worker-side metrics (recordPageTimings, recordWorkerRss), and their key prefix. */
  redis: Redis;
  prefix: string;
}

/**
 * The registry behind GET /metrics. Everything is read at scrape time from the shared stores (Postgres, Redis),
 * so any web process answers for the whole system; only `pagewise_web_*` process metrics are per process.
 */
export function createMetricsRegistry(sources: MetricSources): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "pagewise_web_" });
  new Gauge({
    name: "pagewise_documents",
    help: "Documents by status (PostgreSQL).",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const counts = await sources.documentsByStatus();
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    },
  });
  new Gauge({
    name: "pagewise_queue_jobs",
    help: "Jobs in the documents queue by state (BullMQ); waiting + delayed + prioritized is the backlog.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await sources.jobCounts();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  registerWorkerMetrics(registry, sources.redis, sources.prefix);
  return registry;
}
