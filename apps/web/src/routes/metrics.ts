import { Router } from "express";
import type { Registry } from "prom-client";
import type { Logger } from "@pagewise/logger";
import { apiError } from "../http-error";

/** GET /metrics (mounted at /metrics) in Prometheus text format; a failing source (Postgres, Redis) answers 503, never stale data. */
export function metricsRouter(registry: Registry, log: Logger): Router {
  const router = Router();
  router.get("/", async (_req, res, next) => {
    try {
      const text = await registry.metrics();
      res.setHeader("Content-Type", registry.contentType);
      res.send(text);
    } catch (error) {
      log.warn({ err: error }, "metrics scrape failed");
      next(apiError("metrics_unavailable"));
    }
  });
  return router;
}
