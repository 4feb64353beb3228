import type { Cluster, Redis } from "ioredis";
import { metricsKeys, timingFields } from "./keys";
import { pageStages, stageBucketsSeconds, stageMs, type PageStage, type PageTimings } from "./stages";

/** The hash fields one observation increments: every cumulative bucket whose bound it fits under, +Inf, sum, count. */
export function histogramIncrements(stage: PageStage, seconds: number): { counters: string[]; sumField: string; seconds: number } {
  const counters = stageBucketsSeconds.filter((le) => seconds <= le).map((le) => timingFields.bucket(stage, le));
  counters.push(timingFields.bucket(stage, "+Inf"), timingFields.count(stage));
  return { counters, sumField: timingFields.sum(stage), seconds };
}

/**
 * Called by the worker after each page: adds the page's stage timings to cumulative histogram counters in one
 * Redis hash (one MULTI, so a scrape never sees half a page) and counts the page. Negative or non-finite
 * timings are recorded as 0. The web's /metrics reads the hash at scrape time.
 */
export async function recordPageTimings(redis: Redis | Cluster, prefix: string, timings: PageTimings): Promise<void> {
  const key = metricsKeys(prefix).pageTimings;
  const multi = redis.multi();
  for (const stage of pageStages) {
    const ms = stageMs(timings, stage);
    const seconds = Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
    const { counters, sumField } = histogramIncrements(stage, seconds);
    for (const field of counters) multi.hincrby(key, field, 1);
    multi.hincrbyfloat(key, sumField, seconds);
  }
  multi.hincrby(key, timingFields.pages, 1);
  await multi.exec();
}
