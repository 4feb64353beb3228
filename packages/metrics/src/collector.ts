import type { Cluster, Redis } from "ioredis";
import type { Metric, Registry } from "prom-client";
import { metricsKeys } from "./keys";
import { pagesProcessed, stageHistogramSamples, type Sample } from "./from-hash";
import { DEFAULT_WORKER_TTL_SECONDS } from "./record-worker-rss";
import { webhookOutcomes } from "./record-webhook-delivery";
import { limitedField, limitReasons, type LimitedOutcome } from "./record-limited-page";

const metricNames = {
  pagesProcessed: "pagewise_pages_processed_total",
  pagesDegraded: "pagewise_pages_degraded_total",
  pagesSkipped: "pagewise_pages_skipped_total",
  stageSeconds: "pagewise_page_stage_duration_seconds",
  workerRss: "pagewise_worker_rss_bytes",
  webhookDeliveries: "pagewise_webhook_deliveries_total",
};

/**
 * A metric whose samples are computed at scrape time. prom-client's own classes keep values in process
 * memory; these read what the worker processes wrote to Redis, so any web process can serve them.
 */
function scrapeTimeMetric(name: string, help: string, type: "counter" | "gauge" | "histogram", read: () => Promise<Sample[]>): Metric {
  const metric = {
    name,
    help,
    type,
    aggregator: "sum",
    collect: undefined,
    async get() {
      return { name, help, type, aggregator: "sum", values: await read() };
    },
  };
  return metric as unknown as Metric;
}

/**
 * Registers the worker-side metrics (pages processed, page-stage latency histograms, pages degraded and skipped at
 * a limit, worker RSS) on a web
 * registry; each scrape reads the Redis keys written by `recordPageTimings` and `recordWorkerRss`.
 */
export function registerWorkerMetrics(registry: Registry, redis: Redis | Cluster, prefix: string, workerTtlSeconds = DEFAULT_WORKER_TTL_SECONDS): void {
  const keys = metricsKeys(prefix);
  const timings = () => redis.hgetall(keys.pageTimings);
  registry.registerMetric(
    scrapeTimeMetric(metricNames.pagesProcessed, "Pages processed by the workers (all documents, since the Redis keys were created).", "counter", async () => [
      { labels: {}, value: pagesProcessed(await timings()) },
    ]),
  );
  registry.registerMetric(
    scrapeTimeMetric(metricNames.stageSeconds, "Time per page and stage in the worker: render, inference, annotate, upload.", "histogram", async () =>
      stageHistogramSamples(metricNames.stageSeconds, await timings()),
    ),
  );
  const limited = (outcome: LimitedOutcome) => async () => {
    const hash = await redis.hgetall(keys.pageLimits);
    return limitReasons.map((reason) => ({ labels: { reason }, value: Number(hash[limitedField(outcome, reason)] ?? 0) || 0 }));
  };
  registry.registerMetric(
    scrapeTimeMetric(
      metricNames.pagesDegraded,
      "Pages that crossed a limit (reason: memory = the compute child's ceiling, timeout = the page time limit) and were processed again at a reduced budget.",
      "counter",
      limited("degraded"),
    ),
  );
  registry.registerMetric(
    scrapeTimeMetric(metricNames.pagesSkipped, "Pages that crossed a limit at the reduced budget too and were skipped (by reason).", "counter", limited("skipped")),
  );
  registry.registerMetric(
    scrapeTimeMetric(
      metricNames.webhookDeliveries,
      "Webhook delivery attempts by outcome: delivered (2xx), retried (network error, 5xx, 429), failed (given up: other status, refused target, last attempt).",
      "counter",
      async () => {
        const hash = await redis.hgetall(keys.webhookDeliveries);
        return webhookOutcomes.map((outcome) => ({ labels: { outcome }, value: Number(hash[outcome] ?? 0) || 0 }));
      },
    ),
  );
  registry.registerMetric(
    scrapeTimeMetric(metricNames.workerRss, "Resident set size of each live worker process, as it last reported.", "gauge", async () => {
      const ids = await redis.zrangebyscore(keys.workers, Date.now() - workerTtlSeconds * 1000, "+inf");
      const values = await Promise.all(ids.map((id) => redis.hget(keys.worker(id), "rssBytes")));
      return ids.flatMap((worker, i) => (values[i] == null ? [] : [{ labels: { worker }, value: Number(values[i]) }]));
    }),
  );
}
