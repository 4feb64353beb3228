import { histogramIncrements, pagesProcessed, stageBucketsSeconds, stageHistogramSamples } from "@pagewise/metrics";

describe("page-stage histograms kept in a Redis hash", () => {
  it("an observation increments every cumulative bucket it fits under, +Inf and the count", () => {
    const { counters, sumField } = histogramIncrements("render", 0.3);
    expect(counters).toEqual([
      ...stageBucketsSeconds.filter((le) => le >= 0.3).map((le) => `render:le:${le}`),
      "render:le:+Inf",
      "render:count",
    ]);
    expect(sumField).toBe("render:sum");
    expect(histogramIncrements("upload", 500).counters).toEqual(["upload:le:+Inf", "upload:count"]);
  });

  it("turns the hash into Prometheus histogram samples, zeros for missing fields", () => {
    const samples = stageHistogramSamples("h", { "inference:le:0.5": "2", "inference:le:+Inf": "3", "inference:sum": "4.5", "inference:count": "3" });
    const find = (metricName: string, labels: object) => samples.find((s) => s.metricName === metricName && JSON.stringify(s.labels) === JSON.stringify(labels))?.value;
    expect(find("h_bucket", { stage: "inference", le: 0.5 })).toBe(2);
    expect(find("h_bucket", { stage: "inference", le: "+Inf" })).toBe(3);
    expect(find("h_sum", { stage: "inference" })).toBe(4.5);
    expect(find("h_count", { stage: "render" })).toBe(0);
    expect(samples).toHaveLength(4 * (stageBucketsSeconds.length + 3));
    expect(pagesProcessed({ pages: "7" })).toBe(7);
    expect(pagesProcessed({})).toBe(0);
  });
});
