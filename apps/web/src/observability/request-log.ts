import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "@pagewise/logger";
import { pinoHttp } from "pino-http";

/** A client's X-Request-Id is kept when it looks like one (e.g. Heroku's router sets it), else a new uuid. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[\w.:-]{8,128}$/.test(value) ? value : randomUUID();
}

/** The document id a request is about, from /api/documents/{id}[/...], for its access-log line. */
export function documentIdInPath(url: string | undefined): string | undefined {
  return /^\/api\/documents\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[/?]|$)/i.exec(url ?? "")?.[1]?.toLowerCase();
}

const quiet = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * One JSON access-log line per request (method, url, status, time), with a request id that is also sent back
 * as X-Request-Id and set on `req.log` for handlers, and `documentId` when the path names a document.
 * Probes and scrapes are not logged.
 */
export function requestLogger(log: Logger) {
  return pinoHttp<IncomingMessage, ServerResponse>({
    logger: log,
    genReqId: (req, res) => {
      const id = requestIdFrom(req.headers["x-request-id"]);
      res.setHeader("X-Request-Id", id);
      return id;
    },
    customAttributeKeys: { reqId: "requestId" },
    quietReqLogger: true, // req.log (for handlers) carries just the request id
    autoLogging: { ignore: (req) => quiet.has((req.url ?? "").split("?")[0] ?? "") },
    customProps: (req) => {
      const documentId = documentIdInPath((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url);
      return documentId ? { documentId } : {};
    },
    // A client that hung up (a cut upload, a closed tab or SSE stream) is no error of ours: one line, at info,
    // "request aborted", whatever status a handler had set before it noticed.
    customLogLevel: (_req, res, error) =>
      !res.writableEnded ? "info" : error || res.statusCode >= 500 ? "error" : res.statusCode >= 400 ? "warn" : "info",
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
