/** One file of a memory sweep (a JSON line of `--out`). */
export interface SweepRecord {
  file: string;
  bytes: number;
  /** `succeeded`, `failed:<code>`, `cancelled`, `rejected:<http status> <code>`, `deadline:<status>`, `error:<message>`; ` (worker died)` appended when it did. */
  outcome: string;
  pages: number | null;
  pagesDone: number;
  degraded: number;
  skipped: number;
  seconds: number;
  workerPeakRssMb: number;
  workerPeakChargedMb: number;
  cgroupPeakMb: number | null;
  oomKills: number | null;
  slowestPage?: { number: number; ms: number };
}

/** The charged memory a worker dyno must stay within at every sample (issue 15): worker + compute child. */
const CEILING_MB = 450;

const top = <T>(items: T[], by: (item: T) => number, n = 10) => [...items].sort((a, b) => by(b) - by(a)).slice(0, n);

/** Counts by outcome (the error code kept, the HTTP status of a rejection kept), the worst peaks and the slowest pages. */
export function summarize(records: SweepRecord[]) {
  const outcomes: Record<string, number> = {};
  for (const r of records) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1;
  const peak = (r: SweepRecord) => r.cgroupPeakMb ?? r.workerPeakChargedMb;
  return {
    files: records.length,
    pages: records.reduce((sum, r) => sum + r.pagesDone, 0),
    outcomes: Object.fromEntries(Object.entries(outcomes).sort((a, b) => b[1] - a[1])),
    pagesDegraded: records.reduce((sum, r) => sum + r.degraded, 0),
    pagesSkipped: records.reduce((sum, r) => sum + r.skipped, 0),
    oomKills: records.reduce((sum, r) => sum + (r.oomKills ?? 0), 0),
    overCeiling: records.filter((r) => r.workerPeakChargedMb > CEILING_MB).map((r) => r.file),
    ceilingMb: CEILING_MB,
    worstPeaks: top(records, peak).map((r) => ({ file: r.file, outcome: r.outcome, rssMb: r.workerPeakRssMb, chargedMb: r.workerPeakChargedMb, cgroupMb: r.cgroupPeakMb })),
    slowestPages: top(
      records.filter((r) => r.slowestPage),
      (r) => r.slowestPage?.ms ?? 0,
    ).map((r) => ({ file: r.file, page: r.slowestPage?.number, ms: r.slowestPage?.ms })),
    slowestFiles: top(records, (r) => r.seconds).map((r) => ({ file: r.file, seconds: r.seconds, pages: r.pages, outcome: r.outcome })),
  };
}
