import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";

/** A process's resident memory from /proc/PID/status, bytes (zeros when it is gone). Linux. */
export interface Resident {
  rss: number;
  anon: number;
  file: number;
  shmem: number;
}

export function parseStatus(status: string): Resident {
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), anon: kb("RssAnon"), file: kb("RssFile"), shmem: kb("RssShmem") };
}

function residentOf(pid: number): Resident {
  try {
    return parseStatus(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return { rss: 0, anon: 0, file: 0, shmem: 0 };
  }
}

/**
 * Two views of a group of processes' memory: `rss`, the sum of their resident sets (what the issue's targets
 * use), and `charged`, an estimate of what a dyno's or container's memory cgroup counts: every process's anonymous
 * and shared memory plus the largest file-backed resident set among them, since the Node binary and the libraries
 * they all map are in memory once (the sum counts them once per process).
 */
export function memoryOf(pids: number[]): { rss: number; charged: number } {
  return combined(pids.map(residentOf));
}

export function combined(all: Resident[]): { rss: number; charged: number } {
  const rss = all.reduce((sum, r) => sum + r.rss, 0);
  const charged = all.reduce((sum, r) => sum + r.anon + r.shmem, 0) + Math.max(0, ...all.map((r) => r.file));
  return { rss, charged };
}

/**
 * The children of `pid` from /proc/PID/task/TID/children (each thread's, since any thread may start a process), or
 * undefined where the kernel has no such file (CONFIG_PROC_CHILDREN). A few small reads, where a scan of /proc
 * reads every process's stat, ten times a second per sampler, on the cores the timed requests need.
 */
function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return []; // gone meanwhile
  }
  const out: number[] = [];
  for (const tid of tasks) {
    try {
      out.push(...fs.readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && tid === String(pid) && fs.existsSync(`/proc/${pid}`)) return undefined;
    }
  }
  return out;
}

/** Every process's parent, from a scan of /proc: the fallback where childrenOf has no file to read. */
function parentsScan(): Map<number, number[]> {
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
  return children;
}

/** Every descendant of `pid` (children, grandchildren, ...). */
export function descendantsOf(pid: number): number[] {
  let scan: Map<number, number[]> | undefined;
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const parent = stack.pop() as number;
    const children = childrenOf(parent) ?? (scan ??= parentsScan()).get(parent) ?? [];
    for (const child of children) {
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
  private readonly peak = new Float64Array(new SharedArrayBuffer(16));
  private thread: Worker | undefined;

  constructor(private readonly roots: number[], private readonly everyMs = 100) {}

  start(): this {
    this.thread = new Worker(path.join(__dirname, "rss-sampler.js"), { workerData: { roots: this.roots, everyMs: this.everyMs, peak: this.peak.buffer } });
    this.thread.unref();
    return this;
  }

  /** The peaks so far (see memoryOf), bytes, with one last sample taken here (a run shorter than the thread's start-up still gets one); stops sampling. */
  stop(): { rss: number; charged: number } {
    void this.thread?.terminate();
    const last = memoryOf(this.roots.flatMap((pid) => [pid, ...descendantsOf(pid)]));
    return { rss: Math.max(this.peak[0] as number, last.rss), charged: Math.max(this.peak[1] as number, last.charged) };
  }
}
