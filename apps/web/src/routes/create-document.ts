import { randomUUID } from "node:crypto";
import express, { type Request, type RequestHandler, type Response } from "express";
import { sniffPdf, SNIFF_BYTES, storageKeys } from "@pagewise/core";
import { DocumentRepository, type Db } from "@pagewise/db";
import { documentFromUploadBody, idempotencyKey, uploadFields } from "../api-schemas";
import type { AppDeps } from "../deps";
import { HttpError } from "../http-error";
import { assertLooksLikePdf, multipartPdf, removeQuietly, titleFromFilename } from "../upload";
import { parse } from "../validate";
import { enqueueAndAnswer, replay } from "./admit-document";

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

/**
 * POST /api/documents, two ways in:
 * - multipart: the file in the field "file", optional "title" and "ocr" ("true"). The file goes to storage, then
 *   the row is written, then the job is enqueued, in that order.
 * - JSON { uploadId, title?, ocr? } after a direct-to-S3 upload (POST /api/uploads): the object's size and magic
 *   bytes are checked in the bucket before the row is written and the job enqueued.
 * With an `Idempotency-Key` header the same key always answers with the same document (and enqueues once).
 */
export function createDocumentHandlers(deps: AppDeps): RequestHandler[] {
  const accept: RequestHandler = async (req, res) => {
    try {
      const key = parse(idempotencyKey, req.get("idempotency-key"), () => new HttpError(400, "bad_idempotency_key", "Idempotency-Key must be 1 to 255 characters."));
      if (key) {
        const existing = await deps.documents.findByIdempotencyKey(key);
        if (existing) return replay(res, deps, existing);
      }
      if (req.file) return await fromMultipart(req, res, deps, key);
      if (req.is("application/json")) return await fromDirectUpload(req, res, deps, key);
      throw new HttpError(400, "missing_file", 'Send the PDF as multipart/form-data in the field "file", or JSON { "uploadId" } after POST /api/uploads.');
    } finally {
      await removeQuietly(req.file?.path);
    }
  };
  return [multipartPdf(deps.uploadDir, deps.limits.maxUploadBytes), express.json({ limit: "16kb" }), accept];
}

async function fromMultipart(req: Request, res: Response, deps: AppDeps, key: string | undefined): Promise<void> {
  const file = req.file as Express.Multer.File;
  const ocr = parse(uploadFields.shape.ocr, req.body?.ocr, () => new HttpError(400, "bad_ocr", 'The field "ocr" must be "true" or "false".'));
  const fields = parse(uploadFields, req.body ?? {}, () => new HttpError(400, "bad_title", "The title must be 1 to 500 characters."));
  await assertLooksLikePdf(file.path);
  const id = randomUUID();
  const sourceKey = storageKeys.source(id);
  await deps.store.putFile(sourceKey, file.path, "application/pdf");
  const filename = file.originalname || "document.pdf";
  let doc;
  try {
    doc = await deps.documents.create({
      id,
      title: fields.title ?? titleFromFilename(filename),
      filename,
      sourceKey,
      sourceBytes: file.size,
      idempotencyKey: key,
      ocr: ocr ?? false,
    });
  } catch (error) {
    if (!key || !isUniqueViolation(error)) throw error;
    await deps.store.deletePrefix(storageKeys.documentPrefix(id)); // a concurrent request with the same key won
    return replay(res, deps, (await deps.documents.findByIdempotencyKey(key))!);
  }
  await enqueueAndAnswer(res, deps, doc);
}

async function fromDirectUpload(req: Request, res: Response, deps: AppDeps, key: string | undefined): Promise<void> {
  const body = parse(documentFromUploadBody, req.body, () =>
    new HttpError(400, "bad_request", 'Send JSON { "uploadId", "title"? } after POST /api/uploads, or a multipart upload.'),
  );
  const upload = await deps.uploads?.find(body.uploadId);
  if (!upload) throw new HttpError(404, "unknown_upload", "No such upload; announce it with POST /api/uploads first.");
  if (upload.documentId) {
    const existing = await deps.documents.find(upload.documentId);
    if (existing) return replay(res, deps, existing);
  }
  if (upload.expiresAt.getTime() < Date.now()) throw new HttpError(410, "upload_expired", "The upload URL has expired; start again.");
  const stored = await deps.store.head(upload.objectKey);
  if (!stored) throw new HttpError(409, "upload_incomplete", "The file has not been uploaded yet: PUT it to the upload URL first.");
  if (stored.size > deps.limits.maxUploadBytes)
    throw new HttpError(413, "file_too_large", `The file is larger than the upload limit of ${deps.limits.maxUploadBytes} bytes.`);
  if (stored.size !== upload.size) throw new HttpError(400, "size_mismatch", `The uploaded file has ${stored.size} bytes, not the ${upload.size} announced.`);
  const kind = sniffPdf(await deps.store.readStart(upload.objectKey, SNIFF_BYTES));
  if (kind === "empty") throw new HttpError(400, "empty_file", "The file is empty.");
  if (kind === "not_pdf") throw new HttpError(415, "not_pdf", "The file is not a PDF (no %PDF- header).");

  const id = randomUUID();
  const input = {
    id,
    title: body.title ?? titleFromFilename(upload.filename),
    filename: upload.filename,
    sourceKey: upload.objectKey,
    sourceBytes: stored.size,
    idempotencyKey: key,
    ocr: body.ocr ?? false,
  };
  let consumedBy: string | null;
  try {
    consumedBy = await deps.uploads!.consume(upload.id, (tx: Db) => new DocumentRepository(tx).create(input));
  } catch (error) {
    if (!key || !isUniqueViolation(error)) throw error;
    return replay(res, deps, (await deps.documents.findByIdempotencyKey(key))!);
  }
  if (consumedBy === null) {
    // Another request turned this upload into a document first: answer with that one.
    const winner = (await deps.uploads!.find(upload.id))?.documentId;
    const existing = winner ? await deps.documents.find(winner) : null;
    if (!existing) throw new HttpError(409, "upload_consumed", "The upload was already used.");
    return replay(res, deps, existing);
  }
  await enqueueAndAnswer(res, deps, (await deps.documents.find(id))!);
}
