import type { ErrorRequestHandler, RequestHandler } from "express";
import { MulterError } from "multer";
import type { Logger } from "@pagewise/logger";

/** An error with an HTTP status and a short machine-readable code; its message is safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what = "Not found.") => new HttpError(404, "not_found", what);

export const unknownRoute: RequestHandler = (_req, _res, next) => next(notFound("No such route."));

/** Every error leaves as `{ error: { code, message } }`; unexpected ones are logged and answered with a clean 500. */
export function errorHandler(log: Logger, maxUploadBytes: number): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let http: HttpError;
    if (error instanceof HttpError) http = error;
    else if (error instanceof MulterError && error.code === "LIMIT_FILE_SIZE")
      http = new HttpError(413, "file_too_large", `The file is larger than the upload limit of ${maxUploadBytes} bytes.`);
    else if (error instanceof MulterError)
      http = new HttpError(400, "bad_upload", `The upload is malformed (${error.code}); send one PDF in the field "file".`);
    else if ((error as { type?: string }).type === "entity.parse.failed")
      http = new HttpError(400, "bad_json", "The request body is not valid JSON.");
    else {
      log.error({ err: error, method: req.method, url: req.originalUrl }, "unhandled error");
      http = new HttpError(500, "internal", "Internal server error.");
    }
    if (res.headersSent) return;
    res.status(http.status).json({ error: { code: http.code, message: http.message } });
  };
}
