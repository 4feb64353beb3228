/**
 * Redis keys of the worker-side metrics, under the same prefix as the BullMQ queue (QUEUE_PREFIX), so a test's
 * random prefix isolates them and `queue.obliterate` style cleanup by prefix finds them.
 */
export function metricsKeys(prefix: string) {
  return {
    /** Hash: cumulative bucket counters, sums and counts of the page-stage histograms, and the page total. */
    pageTimings: `${prefix}:metrics:page-timings`,
    /** Hash: pages degraded or skipped at a limit, `degraded:memory`, `skipped:timeout`, ... */
    pageLimits: `${prefix}:metrics:page-limits`,
    /** Hash: webhook delivery attempts by outcome (`delivered`, `retried`, `failed`). */
    webhookDeliveries: `${prefix}:metrics:webhook-deliveries`,
    /** Sorted set: worker id → last report (ms since epoch), to find the live per-worker hashes without SCAN. */
    workers: `${prefix}:metrics:workers`,
    /** Hash per worker: { rssBytes, updatedAt }, expiring when the worker stops reporting. */
    worker: (workerId: string) => `${prefix}:metrics:worker:${workerId}`,
  };
}

/** Field names inside the page-timings hash. */
export const timingFields = {
  bucket: (stage: string, le: number | "+Inf") => `${stage}:le:${le}`,
  sum: (stage: string) => `${stage}:sum`,
  count: (stage: string) => `${stage}:count`,
  pages: "pages",
};
