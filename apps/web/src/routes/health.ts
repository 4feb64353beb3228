import { Router } from "express";
import type { WebDeps } from "../deps";
import { apiError } from "../http-error";

/** A readiness failure that names the dependencies that did not answer (and keeps their errors for the log). */
class NotReady extends Error {
  constructor(
    readonly dependencies: string[],
    readonly causes: unknown[],
  ) {
    super(`not ready: ${dependencies.join(", ")}`);
  }
}

/** Runs every named check at once; rejects with NotReady naming each one that failed. */
export function readinessCheck(checks: Record<string, () => Promise<unknown>>): () => Promise<void> {
  return async () => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(names.map((name) => checks[name]!()));
    const failed = names.flatMap((name, i) => (results[i]!.status === "rejected" ? [name] : []));
    if (failed.length) throw new NotReady(failed, results.flatMap((r) => (r.status === "rejected" ? [r.reason] : [])));
  };
}

export function healthRouter(deps: WebDeps): Router {
  const router = Router();
  /** Liveness: the process is up. */
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  /**
   * Readiness: Postgres and Redis answer. The probe is open to anyone, so its 503 names only which dependency is
   * down; hosts, ports and driver messages go to the log.
   */
  router.get("/readyz", async (_req, res, next) => {
    try {
      await deps.checkReady();
      res.json({ status: "ready" });
    } catch (error) {
      const dependencies = error instanceof NotReady ? error.dependencies : ["a dependency"];
      deps.log.warn({ err: error, dependencies, causes: error instanceof NotReady ? error.causes : undefined }, "not ready");
      next(apiError("not_ready", { dependency: dependencies.join(" and ") }));
    }
  });
  return router;
}
