import { Router } from "express";
import type { WebDeps } from "../deps";

export function healthRouter(deps: WebDeps): Router {
  const router = Router();
  /** Liveness: the process is up. */
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  /** Readiness: Postgres and Redis answer. */
  router.get("/readyz", async (_req, res) => {
    try {
      await deps.checkReady();
      res.json({ status: "ready" });
    } catch (error) {
      deps.log.warn({ err: error }, "not ready");
      res.status(503).json({ error: { code: "not_ready", message: (error as Error).message } });
    }
  });
  return router;
}
