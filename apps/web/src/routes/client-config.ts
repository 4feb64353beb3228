import { Router } from "express";
import type { z } from "zod";
import type { clientConfigSchema } from "../api-schemas";
import type { WebDeps } from "../deps";

/** GET /api/config: what the browser page needs to know before it talks to the API (no secrets). */
export function clientConfigRouter(deps: WebDeps): Router {
  const router = Router();
  router.get("/config", (_req, res) => {
    const body: z.infer<typeof clientConfigSchema> = {
      directUpload: deps.store.driver === "s3" && deps.directUpload === true,
      maxUploadBytes: deps.limits.maxUploadBytes,
      authRequired: Boolean(deps.security?.apiKey),
      storage: deps.store.driver,
    };
    res.json(body);
  });
  return router;
}
