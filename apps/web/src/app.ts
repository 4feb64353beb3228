import express from "express";
import type { AppDeps, WebDeps } from "./deps";
import { QueueEstimates } from "./live/queue-estimates";
import { StatusBodies } from "./live/status-bodies";
import { errorHandler, unknownRoute } from "./http-error";
import { requestLogger } from "./observability/request-log";
import { ADMIN_QUEUES_PATH, adminQueuesRouter } from "./routes/admin-queues";
import { clientConfigRouter } from "./routes/client-config";
import { documentEventsRouter } from "./routes/document-events";
import { directUploadsRouter } from "./routes/direct-uploads";
import { documentsRouter } from "./routes/documents";
import { STATUS_BODIES_MAX_BYTES, statusBodyMaxAgeMs } from "./routes/document-status";
import { filesRouter } from "./routes/files";
import { healthRouter } from "./routes/health";
import { metricsRouter } from "./routes/metrics";
import { openApiRouter } from "./routes/openapi";
import { defaultUiDir, uiRouter } from "./routes/ui";
import { requireApiKey } from "./security/api-key";
import { corsFor, optionsNotServed } from "./security/cors";
import { refuseCrossSite } from "./security/cross-site";
import { securityHeaders } from "./security/headers";
import { Slots } from "./slots";

export function createApp(webDeps: WebDeps): express.Express {
  const statusBodies = new StatusBodies({
    maxBytes: STATUS_BODIES_MAX_BYTES,
    maxAgeMs: statusBodyMaxAgeMs(webDeps.signedUrlTtlSeconds),
    changes: webDeps.documentChanges,
  });
  // The web's writes resolve once the change feed has emitted them: what follows the feed shows them at once.
  const documents = webDeps.documents.followedBy(webDeps.documentChanges);
  const slots = {
    uploads: new Slots(webDeps.limits.maxUploadsInFlight ?? Infinity, "uploads arriving"),
    streams: new Slots(webDeps.limits.maxOpenStreams ?? Infinity, "live updates open"),
  };
  const deps: AppDeps = { ...webDeps, documents, statusBodies, queueEstimates: new QueueEstimates(documents), slots };
  const app = express();
  const security = deps.security ?? {};
  app.disable("x-powered-by");
  app.set("trust proxy", true);
  app.use(requestLogger(deps.log));
  const corsOrigins = security.corsOrigins ?? [];
  app.use(securityHeaders(deps.store, corsOrigins.length > 0));
  app.use(refuseCrossSite(corsOrigins));
  // Open: probes, the page, and what the page reads before it has a key.
  app.use(healthRouter(deps));
  const cors = corsFor(corsOrigins);
  if (cors) app.use("/api", cors);
  // Behind the API key when one is set; OPTIONS that was not a CORS preflight is refused (401, or 404).
  const auth = requireApiKey(security.apiKey);
  app.use(["/api", "/metrics"], (req, res, next) => (req.method === "OPTIONS" ? auth(req, res, next) : next()), optionsNotServed);
  app.use("/api", clientConfigRouter(deps), openApiRouter(Boolean(security.apiKey)));
  if (deps.metrics) app.use("/metrics", auth, metricsRouter(deps.metrics, deps.log));
  app.use("/api", auth);
  app.use("/api/documents", documentEventsRouter(deps), documentsRouter(deps));
  app.use("/api/uploads", directUploadsRouter(deps));
  if (deps.store.driver === "local") app.use("/api/files", filesRouter(deps.store));
  // Own basic auth, and only when configured.
  if (security.admin) app.use(ADMIN_QUEUES_PATH, adminQueuesRouter([deps.queue.queue], security.admin));
  app.use(uiRouter(deps.uiDir ?? defaultUiDir));
  app.use(unknownRoute);
  app.use(errorHandler(deps.log, deps.limits.maxUploadBytes));
  return app;
}
