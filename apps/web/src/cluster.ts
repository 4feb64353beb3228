import cluster, { type Worker } from "node:cluster";
import type { Logger } from "@pagewise/logger";

export interface ClusterOptions {
  /** How many web processes to fork (WEB_CONCURRENCY). */
  workers: number;
  log: Logger;
  /** After a shutdown signal, processes still running this long are killed and the primary exits 1. */
  shutdownTimeoutMs: number;
  /** Extra environment for the forked processes. */
  env?: NodeJS.ProcessEnv;
}

/**
 * The primary of a WEB_CONCURRENCY > 1 web dyno/container. It forks the web processes (they share the port
 * through node:cluster), forwards SIGTERM/SIGINT to them, and exits when they have all exited: 0 when each
 * of them exited 0. A process that dies before listening stops everything (exit 1, the platform restarts the
 * dyno); one that dies later is replaced.
 */
export function runClusterPrimary(options: ClusterOptions): void {
  const { log } = options;
  const listening = new Set<number>();
  let stopping = false;
  let failed = false;

  const fork = () => cluster.fork(options.env ?? {});
  const alive = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: alive().length }, "web cluster shutting down");
    for (const worker of alive()) worker.process.kill(signal);
    const deadline = setTimeout(() => {
      log.warn("web processes did not exit in time; killing them");
      failed = true;
      for (const worker of alive()) worker.process.kill("SIGKILL");
    }, options.shutdownTimeoutMs);
    deadline.unref();
  };

  cluster.on("listening", (worker, address) => {
    listening.add(worker.id);
    if (listening.size === options.workers && !stopping)
      log.info({ workers: options.workers, port: address.port }, "web cluster listening");
  });

  cluster.on("exit", (worker, code, signal) => {
    const clean = code === 0 && !signal;
    const wasListening = listening.delete(worker.id);
    if (stopping) {
      if (!clean) failed = true;
      if (alive().length === 0) {
        log.info({ code: failed ? 1 : 0 }, "web cluster stopped");
        process.exit(failed ? 1 : 0);
      }
      return;
    }
    if (!wasListening) {
      log.fatal({ pid: worker.process.pid, code, signal }, "a web process exited before listening; stopping");
      failed = true;
      stop("SIGTERM");
      if (alive().length === 0) process.exit(1);
      return;
    }
    log.error({ pid: worker.process.pid, code, signal }, "a web process exited; starting a new one");
    fork();
  });

  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  log.info({ workers: options.workers }, "web cluster starting");
  for (let i = 0; i < options.workers; i++) fork();
}
