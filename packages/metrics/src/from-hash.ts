import { timingFields } from "./keys";
import { pageStages, stageBucketsSeconds } from "./stages";

/** One sample as prom-client's registry prints it: `metricName{labels} value`. */
export interface Sample {
  metricName?: string;
  labels: Record<string, string | number>;
  value: number;
}

const num = (hash: Record<string, string>, field: string): number => {
  const v = Number(hash[field] ?? 0);
  return Number.isFinite(v) ? v : 0;
};

/** The page-stage histogram samples (`_bucket`, `_sum`, `_count` per stage) from the page-timings hash. */
export function stageHistogramSamples(name: string, hash: Record<string, string>): Sample[] {
  const samples: Sample[] = [];
  for (const stage of pageStages) {
    for (const le of stageBucketsSeconds)
      samples.push({ metricName: `${name}_bucket`, labels: { stage, le }, value: num(hash, timingFields.bucket(stage, le)) });
    samples.push({ metricName: `${name}_bucket`, labels: { stage, le: "+Inf" }, value: num(hash, timingFields.bucket(stage, "+Inf")) });
    samples.push({ metricName: `${name}_sum`, labels: { stage }, value: num(hash, timingFields.sum(stage)) });
    samples.push({ metricName: `${name}_count`, labels: { stage }, value: num(hash, timingFields.count(stage)) });
  }
  return samples;
}

export const pagesProcessed = (hash: Record<string, string>): number => num(hash, timingFields.pages);
