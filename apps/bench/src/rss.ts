import fs from "node:fs";

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

/** Samples the RSS of a process tree (the process and its descendants, summed) and keeps the peak. */
export class PeakRss {
  peak = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pids: () => number[], private readonly everyMs = 100) {}

  start(): this {
    const sample = () => {
      const total = this.pids().flatMap((pid) => [pid, ...descendantsOf(pid)]).reduce((sum, pid) => sum + rssOf(pid), 0);
      this.peak = Math.max(this.peak, total);
    };
    sample();
    this.timer = setInterval(sample, this.everyMs);
    return this;
  }

  stop(): number {
    clearInterval(this.timer);
    return this.peak;
  }
}
