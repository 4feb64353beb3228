import type { Logger } from "@pagewise/logger";

export interface ShutdownSteps {
  log: Logger;
  timeoutMs: number;
  beginStopping: () => void;
  closeWorker: () => Promise<void>;
  /** Kills the compute children; resolves once they have exited (and their temporary directories are gone). */
  killCompute: () => Promise<void>;
  closeRest: () => Promise<void>;
}

/**
 * SIGTERM (Heroku gives 30 s): stop taking jobs, let the current page finish and hand the job back to the queue
 * (it resumes after the last recorded page on the next worker). If a page is still running shortly before the
 * deadline, its compute child is killed and the job is handed back all the same. Then exit.
 */
export function installShutdown(steps: ShutdownSteps): void {
  let started = false;
  const stop = async (signal: string) => {
    if (started) return;
    started = true;
    const { log } = steps;
    log.info({ signal }, "worker shutting down");
    steps.beginStopping();
    const killAt = setTimeout(() => {
      log.warn("page still running near the shutdown deadline; stopping its compute child");
      void steps.killCompute();
    }, Math.max(0, steps.timeoutMs - 3000));
    const exitAt = setTimeout(() => {
      log.error("shutdown deadline reached; exiting (the job's lock expires and it is picked up again)");
      process.exit(1);
    }, steps.timeoutMs);
    killAt.unref();
    exitAt.unref();
    try {
      await steps.closeWorker();
      await steps.killCompute();
      await steps.closeRest();
      log.info("worker stopped");
      process.exit(0);
    } catch (error) {
      log.error({ err: error }, "error during shutdown");
      process.exit(1);
    }
  };
  process.on("SIGTERM", () => void stop("SIGTERM")); // `on`, not `once`: a second signal must not kill a draining worker
  process.on("SIGINT", () => void stop("SIGINT"));
}
