/**
 * Worker-thread entry of PeakRss: samples the RSS of process trees every `everyMs` and keeps the peak in shared
 * memory. It runs off the bench's main thread, whose event loop times the status GETs: reading /proc for every
 * process on the machine, ten times a second, must not show up in those latencies.
 */
import { workerData } from "node:worker_threads";
import { descendantsOf, rssOf } from "./rss";

const { roots, everyMs, peak } = workerData as { roots: number[]; everyMs: number; peak: SharedArrayBuffer };
const peakBytes = new Float64Array(peak);

function sample(): void {
  const total = roots.flatMap((pid) => [pid, ...descendantsOf(pid)]).reduce((sum, pid) => sum + rssOf(pid), 0);
  peakBytes[0] = Math.max(peakBytes[0] as number, total);
}

sample();
setInterval(sample, everyMs);
