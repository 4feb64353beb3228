import type * as Ort from "onnxruntime-node";

export interface LoadedSession {
  session: Ort.InferenceSession;
  ort: typeof Ort;
}

/**
 * onnxruntime-node's telemetry, off unless the environment says otherwise: its Linux build (1.30) carries a 1DS
 * client that, enabled, writes `mat-debug-<pid>.log` and `.ses` to the temporary directory and a device id under
 * ~/.cache/Microsoft, and queues usage events for upload. `ORT_DISABLE_TELEMETRY` is read once, when the runtime
 * initialises, so it is set before the first import.
 */
function disableOnnxTelemetry(env: NodeJS.ProcessEnv = process.env): void {
  env.ORT_DISABLE_TELEMETRY ??= "1";
}

/**
 * onnxruntime-node imported here, on first use only: the web process must never load the runtime.
 * `enableMemPattern: false`: less memory at the same speed (memory patterns pre-plan one large block per input
 * shape; pages of different sizes keep several). `enableCpuMemArena: false` saves more but is much slower, so the
 * arena stays on (numbers: docs/benchmarks.md).
 */
export async function createOnnxSession(modelPath: string | Uint8Array, threads: number): Promise<LoadedSession> {
  disableOnnxTelemetry();
  const ort = await import("onnxruntime-node");
  const options: Ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: "all",
    enableMemPattern: false,
    // No spin-waiting in the intra-op pool: a spinning pool thread burns a core that the compute child's main
    // thread needs for rendering (docs/benchmarks.md).
    extra: { session: { intra_op: { allow_spinning: "0" } } },
  };
  const session = typeof modelPath === "string" ? await ort.InferenceSession.create(modelPath, options) : await ort.InferenceSession.create(modelPath, options);
  return { session, ort };
}

/** A lazily created value that a failed attempt does not poison: the next call tries again. */
export class Lazy<T> {
  private pending: Promise<T> | undefined;

  constructor(private readonly make: () => Promise<T>) {}

  async get(): Promise<T> {
    this.pending ??= this.make();
    try {
      return await this.pending;
    } catch (error) {
      this.pending = undefined;
      throw error;
    }
  }

  /** The value if it was ever made (and drops it). */
  async take(): Promise<T | undefined> {
    const pending = this.pending;
    this.pending = undefined;
    return pending ? await pending.catch(() => undefined) : undefined;
  }
}
