import fs from "node:fs";
import { performance } from "node:perf_hooks";

/** How often the child's memory is read while it works: a spike of a few hundred milliseconds cannot slip through. */
export const MEMORY_SAMPLE_MS = 25;

export interface MemorySample {
  /** Epoch milliseconds (sub-millisecond precision). */
  at: number;
  rssBytes: number;
}

/** Epoch milliseconds with the monotonic clock's precision. */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

let pageSize: number | undefined;

/**
 * Bytes per page of /proc/<pid>/statm (4 KiB on x86-64, 16 or 64 KiB on some arm64 kernels): this process's own
 * resident pages against the RSS Node reports for it, rounded to a power of two.
 */
function statmPageSize(): number {
  if (pageSize === undefined) {
    const resident = Number(fs.readFileSync("/proc/self/statm", "latin1").split(" ")[1]);
    const size = 2 ** Math.round(Math.log2(process.memoryUsage.rss() / resident));
    pageSize = Number.isFinite(size) && size >= 4096 ? size : 4096;
  }
  return pageSize;
}

/**
 * Reads a process's resident set size every `everyMs` while started, from /proc/<pid>/statm through a descriptor
 * opened once (one pread of ~30 bytes, a few microseconds), and calls `onOver` with the first sample above
 * `ceilingBytes` and the one before it. Linux only: where /proc is missing the watch reads nothing (`available`
 * is false) and the ceiling is checked only after each request, from the RSS the child reports.
 */
export class MemoryWatch {
  private fd: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly buffer = Buffer.alloc(128);
  private previous: MemorySample | undefined;
  private fired = false;
  /** The highest sample read, bytes. */
  peakBytes = 0;
  /** The longest time between two samples while started (the timer runs late when the event loop is busy), ms. */
  maxGapMs = 0;

  constructor(
    pid: number | undefined,
    private readonly ceilingBytes: number,
    private readonly onOver: (over: MemorySample, previous: MemorySample | undefined) => void,
    private readonly everyMs = MEMORY_SAMPLE_MS,
  ) {
    if (pid === undefined) return;
    try {
      statmPageSize();
      this.fd = fs.openSync(`/proc/${pid}/statm`, "r");
    } catch {
      this.fd = undefined;
    }
  }

  get available(): boolean {
    return this.fd !== undefined;
  }

  /** Starts sampling (reads once at once); harmless when already started. */
  start(): void {
    if (this.fd === undefined || this.timer || this.fired) return;
    this.previous = undefined;
    this.sample();
    if (this.fired) return;
    this.timer = setInterval(() => this.sample(), this.everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops and closes the descriptor (the process is gone). */
  close(): void {
    this.stop();
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  /** The process's RSS now, bytes, or undefined when it cannot be read (gone, or no /proc). */
  read(): number | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const n = fs.readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      const text = this.buffer.toString("latin1", 0, n);
      const space = text.indexOf(" ");
      const resident = Number.parseInt(text.slice(space + 1), 10);
      return Number.isFinite(resident) ? resident * statmPageSize() : undefined;
    } catch {
      return undefined; // the process exited between two samples: its exit handler stops the watch
    }
  }

  private sample(): void {
    const rssBytes = this.read();
    if (rssBytes === undefined) return;
    const sample = { at: preciseNow(), rssBytes };
    if (rssBytes > this.peakBytes) this.peakBytes = rssBytes;
    if (this.previous && sample.at - this.previous.at > this.maxGapMs) this.maxGapMs = sample.at - this.previous.at;
    if (rssBytes > this.ceilingBytes && !this.fired) {
      this.fired = true;
      this.stop();
      this.onOver(sample, this.previous);
      return;
    }
    this.previous = sample;
  }
}
