import { collectDefaultMetrics, Gauge, Registry } from "prom-client";
import type { PagesWaiting } from "@pagewise/db";
import { registerWorkerMetrics } from "@pagewise/metrics";
import type { RedisClient } from "@pagewise/queue";

export interface MetricSources {
  /** Documents per status, from Postgres. */
  documentsByStatus: () => Promise<Record<string, number>>;
  /** BullMQ job counts per state (waiting, active, delayed, failed, ...). */
  jobCounts: () => Promise<Record<string, number>>;
  /** Jobs waiting for a worker: waiting + prioritized + delayed (DocumentQueue.backlog). */
  backlogJobs: () => Promise<number>;
  /** Pages of unfinished documents not done yet, from Postgres (readPagesWaiting). */
  pagesWaiting: () => Promise<PagesWaiting>;
  /** Redis with the worker-side metrics (recordPageTimings, recordWorkerRss), and their key prefix. */
  redis: RedisClient;
  prefix: string;
}

/** One read for the calls within `ms` (the gauges of one scrape that share a query); a failed read is not kept. */
function sharedFor<T>(ms: number, read: () => Promise<T>): () => Promise<T> {
  let last: { at: number; value: Promise<T> } | undefined;
  return () => {
    const now = Date.now();
    if (last && now - last.at <= ms) return last.value;
    const value = read();
    last = { at: now, value };
    value.catch(() => {
      if (last?.value === value) last = undefined;
    });
    return value;
  };
}

/**
 * The registry behind GET /metrics. Everything is read at scrape time from the shared stores (Postgres, Redis),
 * so any web process answers for the whole system; only `pagewise_web_*` process metrics are per process.
 * The autoscaling signal (docs/scaling.md) is `pagewise_queue_backlog_jobs` and `pagewise_pages_waiting` (with
 * `pagewise_documents_unopened`): one more Redis round trip and one indexed query per scrape.
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
    help: "Jobs in the documents queue by state (BullMQ), housekeeping's included.",
    labelNames: ["state"],
    registers: [registry],
    async collect() {
      const counts = await sources.jobCounts();
      for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
    },
  });
  new Gauge({
    name: "pagewise_queue_backlog_jobs",
    help: "Jobs of the documents queue waiting for a worker: waiting + prioritized + delayed (retry back-offs), not counting the next housekeeping run before it is due.",
    registers: [registry],
    async collect() {
      this.set(await sources.backlogJobs());
    },
  });
  const pages = sharedFor(1000, sources.pagesWaiting);
  new Gauge({
    name: "pagewise_pages_waiting",
    help: "Pages not done yet of the queued and processing documents whose page count is known (PostgreSQL).",
    registers: [registry],
    async collect() {
      this.set((await pages()).pages);
    },
  });
  new Gauge({
    name: "pagewise_documents_unopened",
    help: "Queued or processing documents whose page count is not known yet (no worker has opened them): their pages are not in pagewise_pages_waiting.",
    registers: [registry],
    async collect() {
      this.set((await pages()).documentsUnopened);
    },
  });
  registerWorkerMetrics(registry, sources.redis, sources.prefix);
  return registry;
}
