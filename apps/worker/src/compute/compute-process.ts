import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { PermanentFailure } from "@pagewise/core";
import type { Logger } from "@pagewise/logger";
import { makeTempDir, removeTempDir } from "../temp-dirs";
import { ComputeCrashed, ComputeInterrupted, ComputeLimitExceeded, DetectorUnavailable } from "./errors";
import { MemoryWatch, preciseNow, type MemorySample } from "./memory-watch";
import type { ChildConfig, ChildFatal, ChildReady, ComputeReply, ComputeRequest } from "./protocol";

type Pending = {
  type: ComputeRequest["type"];
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
};
type RequestBody = ComputeRequest extends infer R ? (R extends ComputeRequest ? Omit<R, "id"> : never) : never;

const CHILD_SCRIPT = path.join(__dirname, "child.js");

/**
 * Batch work yields the CPU to request handling: where web and worker share cores (one machine, docker compose),
 * the compute child runs at a lower scheduling priority (nice 10), so status requests stay fast while pages render.
 * (SCHED_IDLE through `chrt --idle 0` gave no better status p99, so nice 10 stays: docs/benchmarks.md.)
 */
function lowerPriority(pid: number | undefined, log: Logger): void {
  if (pid === undefined) return;
  try {
    os.setPriority(pid, 10);
  } catch (error) {
    log.debug({ err: error }, "could not lower the compute child's priority");
  }
}

/**
 * The compute child's environment: the worker's, with one glibc malloc arena and no system fonts.
 * - glibc gives each thread that allocates its own arena (up to 8 per core), and onnxruntime, libuv's pool and the
 *   canvas' threads each keep freed pages in theirs. The image sets MALLOC_ARENA_MAX=2 for every process; the
 *   child gets 1 whatever is set: a second arena only holds freed pages at the peak, and onnxruntime infers on the
 *   child's JavaScript thread, so little contends for the one lock (numbers: docs/benchmarks.md).
 * - TMPDIR is a directory of the child's own, removed when it exits however it ends (onnxruntime-node 1.30 left
 *   `mat-debug-<pid>.log` and `.ses` there before its telemetry was switched off; whatever a native library writes
 *   there now goes with the child).
 * - @napi-rs/canvas maps and parses every system font when it loads, memory the child never uses. pdf.js draws
 *   glyphs as paths in Node; only form-field values fall back to a canvas font, which Skia still draws (the corpus
 *   renders the same detections).
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env, tmpDir?: string): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: "1", DISABLE_SYSTEM_FONTS_LOAD: "1", ...(tmpDir ? { TMPDIR: tmpDir } : {}) };
}

const PARENT_ONLY_FLAGS = new Set(["--lite-mode", "--no-expose-wasm", "--liftoff-only"]);

/**
 * The compute child's Node flags: the worker's own, but for those that would slow or break the child, plus a young
 * generation of 2 MB. The worker runs with `--lite-mode` (no optimising compilers, lazily allocated feedback: less
 * memory for a process that only moves bytes; docs/benchmarks.md), which turns WebAssembly off (`--no-expose-wasm`
 * only silences V8's warning about it);
 * `--liftoff-only` was its flag while it ran Prisma's WASM query compiler. The child needs both compilers: pdf.js
 * decodes JPEG 2000 and colour profiles with WASM, and rendering and pre-processing are hot JavaScript loops.
 * Each page allocates a few large short-lived arrays, and with Node's default 16 MB semi-spaces they linger.
 */
export function childExecArgv(parentExecArgv: readonly string[]): string[] {
  return [...parentExecArgv.filter((flag) => !PARENT_ONLY_FLAGS.has(flag)), "--max-semi-space-size=2"];
}

export interface ComputeProcessOptions {
  /**
   * The child's memory ceiling: its RSS is sampled every MEMORY_SAMPLE_MS while a request is in flight and the child
   * is SIGKILLed on the first sample above it; the requests in flight fail with ComputeLimitExceeded("memory").
   */
  memoryCeilingBytes: number;
  startupTimeoutMs?: number;
}

/**
 * One compute child process, behind two watchdogs: every request has a deadline, and while any request is in flight
 * the child's memory is sampled against its ceiling. Past either, the child is SIGKILLed (pdf.js or a native decoder
 * stuck on a hostile page cannot be interrupted any other way) and the requests in flight fail with
 * ComputeLimitExceeded. Every way the child can end rejects what waits on it with an Error.
 */
export class ComputeProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitReason: Error | undefined;
  private exitHandled = false;
  private idleWaiters: Array<() => void> = [];
  private readonly watch: MemoryWatch;
  private readonly tmpDir: string;
  /** RSS of the child as of its last reply, bytes. */
  rss = 0;
  documentsStarted = 0;
  /** Page requests sent to this child, across documents (its age, for WORKER_MAX_PAGES_PER_CHILD). */
  pagesStarted = 0;
  openedPath: string | undefined;
  /** The pixel budget for embedded images the open document was opened with (undefined: pdf.js' default). */
  openedMaxImagePixels: number | undefined;

  private readonly ready: Promise<void>;
  /** Resolves once the child has exited and its temporary directory is removed. */
  readonly exited: Promise<void>;
  private markExited: () => void = () => undefined;
  private settleReady: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private readonly readyTimer: NodeJS.Timeout;

  constructor(config: ChildConfig, private readonly log: Logger, private readonly options: ComputeProcessOptions) {
    const startupTimeoutMs = options.startupTimeoutMs ?? 120_000;
    this.tmpDir = makeTempDir("compute");
    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined); // surfaced by request()
    this.exited = new Promise<void>((resolve) => (this.markExited = resolve));
    this.child = fork(CHILD_SCRIPT, [JSON.stringify(config)], {
      serialization: "advanced",
      execArgv: childExecArgv(process.execArgv),
      env: childEnv(process.env, this.tmpDir),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.readyTimer = setTimeout(() => this.kill(new ComputeCrashed(`compute child not ready within ${startupTimeoutMs} ms`)), startupTimeoutMs);
    this.watch = new MemoryWatch(this.child.pid, options.memoryCeilingBytes, (over, previous) => this.overCeiling(over, previous));
    this.log.info({ childPid: this.child.pid }, "compute child started");
    lowerPriority(this.child.pid, log);
    this.child.on("message", (message: ComputeReply | ChildReady | ChildFatal) => {
      if ("ready" in message) {
        clearTimeout(this.readyTimer);
        this.rss = message.rss;
        this.settleReady?.resolve();
      } else if ("fatal" in message) {
        this.exitReason ??= new DetectorUnavailable(message.fatal.message);
      } else this.onReply(message);
    });
    this.child.on("exit", (code, signal) => this.onExit(code, signal));
    // A child that could not be spawned (EAGAIN, ENOMEM) emits "error" and never "exit".
    this.child.on("error", (error) => {
      if (this.child.pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) {
        this.exitReason ??= new ComputeCrashed(`compute child failed: ${error.message}`);
        this.onExit(this.child.exitCode, this.child.signalCode);
      } else this.log.warn({ err: error, childPid: this.child.pid }, "compute child error");
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /** Whether the child's memory is sampled while it works (Linux: /proc). */
  get memoryWatched(): boolean {
    return this.watch.available;
  }

  /**
   * Every request's deadline counts from when the child starts working on it: the child first loads its detector
   * (`ready`), which is bounded by its own, longer start-up deadline; a request sent ahead while another is still
   * running (pipelining) starts its clock when `startClockAfter` settles.
   */
  async request<T>(body: RequestBody, timeoutMs: number, startClockAfter?: Promise<unknown>): Promise<T> {
    await this.ready;
    if (this.exitReason) {
      // Killed at a limit before this request reached it: not this request's doing.
      throw this.exitReason instanceof ComputeLimitExceeded ? this.exitReason.forRequest(body.type, true) : this.exitReason;
    }
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { type: body.type, resolve: resolve as (v: unknown) => void, reject, timer: undefined };
      const startClock = () => {
        if (!this.pending.has(id)) return;
        pending.timer = setTimeout(() => {
          this.kill(new ComputeLimitExceeded("timeout", `${body.type} took longer than ${timeoutMs} ms`));
        }, timeoutMs);
      };
      this.pending.set(id, pending);
      this.child.send({ ...body, id } as ComputeRequest);
      this.watch.start();
      if (startClockAfter) startClockAfter.then(startClock, startClock);
      else startClock();
    });
  }

  /** Resolves once no request is in flight (or the child is gone). */
  idle(): Promise<void> {
    if (this.pending.size === 0 || !this.alive) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Kills the child; in-flight requests fail with `reason`. */
  kill(reason: Error = new ComputeInterrupted("compute child stopped")): void {
    if (this.exitReason) return;
    this.exitReason = reason;
    this.child.kill("SIGKILL");
  }

  private overCeiling(over: MemorySample, previous: MemorySample | undefined): void {
    const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10;
    const ceilingMb = mb(this.options.memoryCeilingBytes);
    this.kill(new ComputeLimitExceeded("memory", `the compute child's memory (${mb(over.rssBytes)} MB) crossed its ceiling (${ceilingMb} MB)`));
    // The samples around the crossing, for the record: the crossing happened after `previousSampleAt`.
    this.log.warn(
      {
        childPid: this.child.pid,
        rssMb: mb(over.rssBytes),
        ceilingMb,
        rssBytes: over.rssBytes,
        ceilingBytes: this.options.memoryCeilingBytes,
        sampledAt: over.at,
        previousSampleAt: previous?.at,
        previousRssMb: previous ? mb(previous.rssBytes) : undefined,
        killedAt: preciseNow(),
        inFlight: this.pending.size,
      },
      "compute child crossed its memory ceiling; killed it",
    );
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exitHandled) return;
    this.exitHandled = true;
    const exitedAt = preciseNow();
    clearTimeout(this.readyTimer);
    this.watch.close();
    const reason = this.exitReason ?? new ComputeCrashed(`compute child exited (code ${code}, signal ${signal})`);
    this.exitReason = reason;
    this.settleReady?.reject(reason);
    const shared = this.pending.size > 1;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(reason instanceof ComputeLimitExceeded ? reason.forRequest(p.type, shared) : reason);
    }
    this.pending.clear();
    for (const wake of this.idleWaiters.splice(0)) wake();
    try {
      removeTempDir(this.tmpDir);
    } catch (error) {
      this.log.warn({ err: error, dir: this.tmpDir }, "could not remove the compute child's temporary directory");
    }
    const sampled = { peakRssMb: Math.round(this.watch.peakBytes / 2 ** 20), maxSampleGapMs: Math.round(this.watch.maxGapMs) };
    this.log.info({ childPid: this.child.pid, code, signal, exitedAt, reason: reason.name, ...sampled }, "compute child exited");
    this.markExited();
  }

  private onReply(reply: ComputeReply): void {
    this.rss = reply.rss;
    const p = this.pending.get(reply.id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) {
      this.watch.stop();
      for (const wake of this.idleWaiters.splice(0)) wake();
    }
    if (reply.ok) p.resolve(reply.value);
    else if (reply.error.code) p.reject(new PermanentFailure(reply.error.code, reply.error.message));
    else p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  }
}
