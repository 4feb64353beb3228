import { createHash } from "node:crypto";
import path from "node:path";
import type { RequestHandler } from "express";
import multer, { MulterError } from "multer";
import type { ObjectStore } from "@pagewise/storage";
import { MAX_TITLE_LENGTH } from "./api-schemas";
import { apiError, HttpError } from "./http-error";
import { SourceNotStored, sourceStorage } from "./source-storage";

/**
 * Multipart parsing that streams the file to its final storage key as it arrives (sourceStorage: checked, hashed,
 * never in a temp file, never whole in memory), with a size limit. File names are read as UTF-8 (what browsers and
 * curl send), not multer's default latin1. A body busboy cannot parse (no boundary, cut before its closing
 * boundary, a part header over 16 KB) is the client's mistake: 400 `bad_upload`; the file's own refusals (413, 415,
 * 400 `empty_file`) pass as they are, and a failure of our own (storage, `SourceNotStored`) stays a 500.
 */
export function multipartPdf(store: ObjectStore, maxUploadBytes: number): RequestHandler {
  const parseMultipart = multer({
    storage: sourceStorage(store, maxUploadBytes),
    defParamCharset: "utf8",
    limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
  }).single("file");
  return (req, res, next) => {
    parseMultipart(req, res, (error?: unknown) => {
      if (!error || error instanceof MulterError || error instanceof HttpError || error instanceof SourceNotStored || isSystemError(error))
        return next(error);
      next(apiError("bad_upload", { reason: "the multipart body could not be parsed" }));
    });
  };
}

/** An error from the operating system (ECONNRESET on the request...), as opposed to busboy's parse errors. */
const isSystemError = (error: unknown) => typeof (error as NodeJS.ErrnoException).errno === "number";

/** At most MAX_TITLE_LENGTH UTF-16 units (zod's measure), never splitting a surrogate pair. */
export function cutToTitleLength(text: string): string {
  if (text.length <= MAX_TITLE_LENGTH) return text;
  const cut = text.slice(0, MAX_TITLE_LENGTH);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** A title from a file name: its base name without ".pdf" (or an image's extension), trimmed and cut to the title limit. */
export function titleFromFilename(filename: string): string {
  const base = cutToTitleLength(path.basename(filename).replace(/\.(pdf|png|jpe?g|webp|tiff?)$/i, "").trim()).trim();
  return base || "Untitled";
}

/** What makes two uploads the same request under one Idempotency-Key: sha256 of the file's hash and the fields. */
export function requestFingerprint(fields: Record<string, string | boolean | null>): string {
  const canonical = JSON.stringify(Object.keys(fields).sort().map((name) => [name, fields[name]]));
  return createHash("sha256").update(canonical).digest("hex");
}
