import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import multer from "multer";
import { SNIFF_BYTES, sniffPdf } from "@pagewise/core";
import { HttpError } from "./http-error";

/** Multipart parsing that streams the file to a temp file (never the whole upload in memory), with a size limit. */
export function multipartPdf(uploadDir: string, maxUploadBytes: number) {
  return multer({
    storage: multer.diskStorage({
      destination: uploadDir,
      filename: (_req, _file, cb) => cb(null, `upload-${randomUUID()}.part`),
    }),
    limits: { fileSize: maxUploadBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
  }).single("file");
}

/** Rejects what the bytes already tell: empty (400 empty_file) or not a PDF (415 not_pdf). */
export async function assertLooksLikePdf(filePath: string): Promise<void> {
  const handle = await fs.open(filePath, "r");
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const kind = sniffPdf(head.subarray(0, bytesRead));
    if (kind === "empty") throw new HttpError(400, "empty_file", "The file is empty.");
    if (kind === "not_pdf") throw new HttpError(415, "not_pdf", "The file is not a PDF (no %PDF- header).");
  } finally {
    await handle.close();
  }
}

export function titleFromFilename(filename: string): string {
  const base = path.basename(filename).replace(/\.pdf$/i, "").trim();
  return base || "Untitled";
}

export async function removeQuietly(filePath: string | undefined): Promise<void> {
  if (filePath) await fs.rm(filePath, { force: true }).catch(() => undefined);
}
