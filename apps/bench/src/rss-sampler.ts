/**
 * Worker-thread entry of PeakRss: samples the memory of process trees every `everyMs` and keeps the peaks in shared
 * memory. It runs off the bench's main thread, whose event loop times the status GETs: reading /proc for every
 * process on the machine, ten times a second, must not show up in those latencies.
 */
import { workerData } from "node:worker_threads";
import { descendantsOf, memoryOf } from "./rss";

const { roots, everyMs, peak } = workerData as { roots: number[]; everyMs: number; peak: SharedArrayBuffer };
const peakBytes = new Float64Array(peak); // [RSS sum, charged estimate]

function sample(): void {
  const { rss, charged } = memoryOf(roots.flatMap((pid) => [pid, ...descendantsOf(pid)]));
  peakBytes[0] = Math.max(peakBytes[0] as number, rss);
  peakBytes[1] = Math.max(peakBytes[1] as number, charged);
}

sample();
setInterval(sample, everyMs);
