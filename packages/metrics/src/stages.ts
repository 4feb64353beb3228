/** The timed steps of one page in the worker, in pipeline order. */
export const pageStages = ["render", "inference", "annotate", "upload"] as const;
export type PageStage = (typeof pageStages)[number];

/** Upper bounds (seconds) of the page-stage latency histogram buckets; +Inf is implied. */
export const stageBucketsSeconds: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/** Milliseconds per stage for one page, as the worker measures them with performance.now(). */
export type PageTimings = { [S in PageStage as `${S}Ms`]: number };

export const stageMs = (timings: PageTimings, stage: PageStage): number => timings[`${stage}Ms`];
