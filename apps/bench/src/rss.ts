import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** Resident set size of a process, in bytes (0 when it is gone). Linux /proc. */
export function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Every descendant of `pid` (children, grandchildren, ...). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    for (const child of children.get(stack.pop() as number) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

/**
 * Samples the RSS of process trees (each root and its descendants, summed) on a worker thread and keeps the peak.
 * The roots are fixed at start (the processes the bench started).
 */
export class PeakRss {
  private readonly peak = new Float64Array(new SharedArrayBuffer(8));
  private thread: Worker | undefined;

  constructor(private readonly roots: number[], private readonly everyMs = 100) {}

  start(): this {
    this.thread = new Worker(path.join(__dirname, "rss-sampler.js"), { workerData: { roots: this.roots, everyMs: this.everyMs, peak: this.peak.buffer } });
    this.thread.unref();
    return this;
  }

  /** The peak so far, bytes; stops sampling. */
  stop(): number {
    void this.thread?.terminate();
    return this.peak[0] as number;
  }
}
