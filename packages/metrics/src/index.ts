export { recordPageTimings, histogramIncrements } from "./record-page-timings";
export { recordWorkerRss, DEFAULT_WORKER_TTL_SECONDS } from "./record-worker-rss";
export { registerWorkerMetrics, metricNames } from "./collector";
export { stageHistogramSamples, pagesProcessed } from "./from-hash";
export type { Sample } from "./from-hash";
export { metricsKeys } from "./keys";
export { pageStages, stageBucketsSeconds } from "./stages";
export type { PageStage, PageTimings } from "./stages";
