import { Router } from "express";
import { openApiDocument } from "../openapi/document";

/** GET /api/openapi.json: the API description, built once from the route schemas. */
export function openApiRouter(authRequired: boolean): Router {
  const router = Router();
  const document = openApiDocument({ authRequired });
  router.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  return router;
}
