import type { ErrorRequestHandler, Request, RequestHandler, Response } from "express";
import { MulterError } from "multer";
import type { Logger } from "@pagewise/logger";
import { apiError, HttpError } from "./api-errors";

export { apiError, HttpError } from "./api-errors";

export const notFound = (thing: string) => apiError("not_found", { thing });

export const unknownRoute: RequestHandler = (_req, _res, next) => next(notFound("route"));

/** Express, body-parser (raw-body, http-errors) and multer errors say what went wrong in `type`, `status` or `code`. */
interface LibraryError {
  type?: string;
  status?: number;
  statusCode?: number;
  code?: string;
  limit?: number;
}

const kilobytes = (bytes: number | undefined) => (bytes === undefined ? "the server's" : `${Math.round(bytes / 1024)} KB`);

/** The client error a library's error stands for, or undefined when it is not one (then it is ours: a 500). */
function clientErrorOf(error: unknown, maxUploadBytes: number): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof MulterError) {
    if (error.code === "LIMIT_FILE_SIZE") return apiError("file_too_large", { limit: maxUploadBytes });
    return apiError("bad_upload", { reason: error.code });
  }
  const e = (error ?? {}) as LibraryError;
  switch (e.type) {
    case "entity.parse.failed":
      return apiError("bad_json");
    case "entity.too.large":
      return apiError("body_too_large", { limit: kilobytes(e.limit) });
    case "encoding.unsupported":
      return apiError("unsupported_encoding", { what: "Content-Encoding" });
    case "charset.unsupported":
      return apiError("unsupported_encoding", { what: "charset" });
    case "request.size.invalid":
      return apiError("bad_request", { reason: "the body's length differs from its Content-Length" });
  }
  const status = e.status ?? e.statusCode;
  if (typeof status !== "number" || status < 400 || status > 499) return undefined;
  // zlib's errors reach us as body-parser's 400 with zlib's code.
  if (typeof e.code === "string" && e.code.startsWith("Z_")) return apiError("bad_encoding");
  if (status === 404) return notFound("route");
  if (status === 413) return apiError("body_too_large", { limit: kilobytes(e.limit) });
  if (status === 415) return apiError("unsupported_encoding", { what: "Content-Type" });
  if (status === 431) return apiError("headers_too_large");
  return apiError("bad_request", { reason: "it could not be parsed" });
}

/** The client hung up (an aborted upload, a closed tab): nobody is left to answer. */
function clientGone(req: Request, res: Response): boolean {
  return req.readableAborted || res.destroyed || req.socket?.destroyed === true;
}

/**
 * Every error leaves as `{ error: { code, message } }` from the list in api-errors.ts. A client's mistake is a 4xx
 * (and is not logged here: the access log has its status); anything else is logged with its detail and answered
 * with a clean 500. A client that went away gets no answer; the access log notes the abort once.
 */
export function errorHandler(log: Logger, maxUploadBytes: number): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (clientGone(req, res)) return;
    let http = clientErrorOf(error, maxUploadBytes);
    if (!http) {
      (req.log ?? log).error({ err: error, method: req.method, url: req.originalUrl }, "unhandled error");
      http = apiError("internal");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(http.status).json({ error: { code: http.code, message: http.message } });
  };
}
