import { type ChildProcess, fork } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { PermanentFailure } from "@pagewise/core";
import type { Logger } from "@pagewise/logger";
import { ComputeCrashed, ComputeInterrupted, ComputeTimeout } from "./errors";
import type { ChildConfig, ChildReady, ComputeReply, ComputeRequest } from "./protocol";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void; timer: NodeJS.Timeout | undefined };
type RequestBody = ComputeRequest extends infer R ? (R extends ComputeRequest ? Omit<R, "id"> : never) : never;

const CHILD_SCRIPT = path.join(__dirname, "child.js");

/**
 * Batch work yields the CPU to request handling: where web and worker share cores (one machine, docker compose),
 * the compute child runs at a lower scheduling priority (nice 10), so status requests stay fast while pages render.
 * (SCHED_IDLE through `chrt --idle 0` was measured too: no better status p99 on the shared 2-core VM, so not kept.)
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
 *   canvas' threads each keep freed pages in theirs. The image sets MALLOC_ARENA_MAX=2 for every process (−45 MB);
 *   the child gets 1 whatever is set: its second arena held ~12 MB at the peak, and onnxruntime infers on the
 *   child's JavaScript thread, so little contends for the one lock (8 interleaved bench pairs: −17 MB worker peak
 *   with the fonts below, same pages/s and CPU seconds; README, Benchmarks).
 * - @napi-rs/canvas maps and parses every system font when it loads (~5.5 MB resident). pdf.js draws glyphs as
 *   paths in Node; only form-field values fall back to a canvas font, which Skia still draws (the corpus renders
 *   the same detections).
 */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, MALLOC_ARENA_MAX: "1", DISABLE_SYSTEM_FONTS_LOAD: "1" };
}

const PARENT_ONLY_FLAGS = new Set(["--lite-mode", "--no-expose-wasm", "--liftoff-only"]);

/**
 * The compute child's Node flags: the worker's own, but for those that would slow or break the child, plus a young
 * generation of 2 MB. The worker runs with `--lite-mode` (no optimising compilers, lazily allocated feedback:
 * −20 MB, README, Benchmarks), which turns WebAssembly off (`--no-expose-wasm` only silences V8's warning about it);
 * `--liftoff-only` was its flag while it ran Prisma's WASM query compiler. The child needs both compilers: pdf.js
 * decodes JPEG 2000 and colour profiles with WASM, and rendering and pre-processing are hot JavaScript loops.
 * Each page allocates a few large short-lived arrays, and with Node's default 16 MB semi-spaces they linger.
 */
export function childExecArgv(parentExecArgv: readonly string[]): string[] {
  return [...parentExecArgv.filter((flag) => !PARENT_ONLY_FLAGS.has(flag)), "--max-semi-space-size=2"];
}

/**
 * One compute child process. Every request has a deadline; past it the child is SIGKILLed (pdf.js or a native
 * decoder stuck on a hostile page cannot be interrupted any other way) and the request fails with ComputeTimeout.
 */
export class ComputeProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exitReason: Error | undefined;
  private idleWaiters: Array<() => void> = [];
  /** RSS of the child as of its last reply, bytes. */
  rss = 0;
  documentsStarted = 0;
  openedPath: string | undefined;

  private readonly ready: Promise<void>;

  constructor(config: ChildConfig, private readonly log: Logger, startupTimeoutMs = 120_000) {
    this.child = fork(CHILD_SCRIPT, [JSON.stringify(config)], {
      serialization: "advanced",
      execArgv: childExecArgv(process.execArgv),
      env: childEnv(),
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.log.info({ childPid: this.child.pid }, "compute child started");
    lowerPriority(this.child.pid, log);
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => this.kill(new ComputeCrashed(`compute child not ready within ${startupTimeoutMs} ms`)), startupTimeoutMs);
      this.child.once("exit", () => {
        clearTimeout(timer);
        reject(this.exitReason);
      });
      this.child.on("message", (message: ComputeReply | ChildReady) => {
        if ("ready" in message) {
          clearTimeout(timer);
          this.rss = message.rss;
          resolve();
        } else this.onReply(message);
      });
    });
    this.ready.catch(() => undefined); // surfaced by request()
    this.child.on("exit", (code, signal) => {
      const reason = this.exitReason ?? new ComputeCrashed(`compute child exited (code ${code}, signal ${signal})`);
      this.exitReason = reason;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(reason);
        this.pending.delete(id);
      }
      for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.exitReason === undefined;
  }

  /** Requests sent and not answered yet. */
  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Every request's deadline counts from when the child starts working on it: the child first loads its detector
   * (`ready`), which is bounded by its own, longer start-up deadline; a request sent ahead while another is still
   * running (pipelining) starts its clock when `startClockAfter` settles.
   */
  async request<T>(body: RequestBody, timeoutMs: number, startClockAfter?: Promise<unknown>): Promise<T> {
    await this.ready;
    if (this.exitReason) throw this.exitReason;
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { resolve: resolve as (v: unknown) => void, reject, timer: undefined };
      const startClock = () => {
        if (!this.pending.has(id)) return;
        pending.timer = setTimeout(() => {
          this.kill(new ComputeTimeout(`${body.type} took longer than ${timeoutMs} ms`));
        }, timeoutMs);
      };
      this.pending.set(id, pending);
      this.child.send({ ...body, id } as ComputeRequest);
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

  private onReply(reply: ComputeReply): void {
    this.rss = reply.rss;
    const p = this.pending.get(reply.id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(reply.id);
    if (this.pending.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    if (reply.ok) p.resolve(reply.value);
    else if (reply.error.code) p.reject(new PermanentFailure(reply.error.code, reply.error.message));
    else p.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  }
}
