export { recordPageTimings, histogramIncrements } from "./record-page-timings";
export { recordWorkerRss } from "./record-worker-rss";
export { registerWorkerMetrics } from "./collector";
export { stageHistogramSamples, pagesProcessed } from "./from-hash";
export { stageBucketsSeconds } from "./stages";
export type { PageTimings } from "./stages";
export { recordLimitedPage } from "./record-limited-page";
export { recordWebhookDelivery } from "./record-webhook-delivery";
export type { WebhookOutcome } from "./record-webhook-delivery";
