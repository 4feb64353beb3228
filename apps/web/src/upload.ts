import { createHash, randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import type { RequestHandler } from "express";
import multer, { MulterError } from "multer";
import { SNIFF_BYTES, sourceKindOrCode, type SourceKind } from "@pagewise/core";
import { MAX_TITLE_LENGTH } from "./api-schemas";
import { apiError } from "./http-error";

/**
 * Multipart parsing that streams the file to a temp file (never the whole upload in memory), with a size limit.
 * File names are read as UTF-8 (what browsers and curl send), not multer's default latin1. A body busboy cannot
 * parse (no boundary, cut before its closing boundary, a part header over 16 KB) is the client's mistake: 400
 * `bad_upload`; a failure of our own (the temp directory) stays a 500.
 */
export function multipartPdf(uploadDir: string, maxUploadBytes: number): RequestHandler {
  const parseMultipart = multer({
    storage: multer.diskStorage({
      destination: uploadDir,
      filename: (_req, _file, cb) => cb(null, `upload-${randomUUID()}.part`),
    }),
    defParamCharset: "utf8",
    limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
  }).single("file");
  return (req, res, next) => {
    parseMultipart(req, res, (error?: unknown) => {
      if (!error || error instanceof MulterError || isSystemError(error)) return next(error);
      next(apiError("bad_upload", { reason: "the multipart body could not be parsed" }));
    });
  };
}

/** An error from the operating system (ENOSPC, EACCES...), as opposed to busboy's parse errors. */
const isSystemError = (error: unknown) => typeof (error as NodeJS.ErrnoException).errno === "number";

/** Rejects what the first bytes already tell: empty (400 empty_file) or neither a PDF nor an image we take (415 not_pdf). */
export function sourceKindOr4xx(head: Uint8Array): SourceKind {
  const { kind, code } = sourceKindOrCode(head);
  if (code) throw apiError(code);
  return kind;
}

/** sourceKindOr4xx on the first bytes of a local file. */
export async function sourceKindOfFile(filePath: string): Promise<SourceKind> {
  const handle = await fs.open(filePath, "r");
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return sourceKindOr4xx(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}

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

export async function fileSha256(filePath: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(filePath)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** What makes two uploads the same request under one Idempotency-Key: sha256 of the file's hash and the fields. */
export function requestFingerprint(fields: Record<string, string | boolean | null>): string {
  const canonical = JSON.stringify(Object.keys(fields).sort().map((name) => [name, fields[name]]));
  return createHash("sha256").update(canonical).digest("hex");
}

export async function removeQuietly(filePath: string | undefined): Promise<void> {
  if (filePath) await fs.rm(filePath, { force: true }).catch(() => undefined);
}
