import express from "express";
import type { WebDeps } from "./deps";
import { errorHandler, unknownRoute } from "./http-error";
import { documentsRouter } from "./routes/documents";
import { filesRouter } from "./routes/files";
import { healthRouter } from "./routes/health";

export function createApp(deps: WebDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use(healthRouter(deps));
  app.use("/api/documents", documentsRouter(deps));
  if (deps.store.driver === "local") app.use("/api/files", filesRouter(deps.store));
  app.use(unknownRoute);
  app.use(errorHandler(deps.log, deps.limits.maxUploadBytes));
  return app;
}
