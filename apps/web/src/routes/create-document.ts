import { randomUUID } from "node:crypto";
import type { RequestHandler, Response } from "express";
import type { Document } from "@pagewise/db";
import { storageKeys } from "@pagewise/core";
import { idempotencyKey, uploadFields } from "../api-schemas";
import type { WebDeps } from "../deps";
import { HttpError } from "../http-error";
import { documentPath, presentDocument, presentSummary } from "../presenters";
import { assertLooksLikePdf, multipartPdf, removeQuietly, titleFromFilename } from "../upload";
import { parse } from "../validate";

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "P2002";

async function replay(res: Response, deps: WebDeps, doc: Document): Promise<void> {
  const current = (await deps.documents.find(doc.id)) ?? { ...doc, pages: [] };
  res.status(202).location(documentPath(doc.id)).set("Idempotent-Replayed", "true").json(await presentDocument(current, deps.store));
}

/** POST /api/documents: a multipart upload in the field "file", with an optional "title" and "ocr" ("true"). */
export function createDocumentHandlers(deps: WebDeps): RequestHandler[] {
  const { documents, queue, store, log } = deps;

  /**
   * Upload: the file goes to storage, then the row is written, then the job is enqueued, in that order.
   * A failed enqueue marks the row failed and answers 503, so no row is left in `queued` without a job.
   * With an `Idempotency-Key` header, the same key always answers with the same document (and enqueues once).
   */
  const accept: RequestHandler = async (req, res) => {
    const file = req.file;
    try {
      if (!file) throw new HttpError(400, "missing_file", 'Send the PDF as multipart/form-data in the field "file".');
      const ocr = parse(uploadFields.shape.ocr, req.body?.ocr, () => new HttpError(400, "bad_ocr", 'The field "ocr" must be "true" or "false".'));
      const fields = parse(uploadFields, req.body ?? {}, () => new HttpError(400, "bad_title", "The title must be 1 to 500 characters."));
      const key = parse(idempotencyKey, req.get("idempotency-key"), () => new HttpError(400, "bad_idempotency_key", "Idempotency-Key must be 1 to 255 characters."));
      if (key) {
        const existing = await documents.findByIdempotencyKey(key);
        if (existing) return replay(res, deps, existing);
      }
      await assertLooksLikePdf(file.path);
      const id = randomUUID();
      const sourceKey = storageKeys.source(id);
      await store.putFile(sourceKey, file.path, "application/pdf");
      const filename = file.originalname || "document.pdf";
      let doc;
      try {
        doc = await documents.create({
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
        await store.deletePrefix(storageKeys.documentPrefix(id)); // a concurrent request with the same key won
        return replay(res, deps, (await documents.findByIdempotencyKey(key))!);
      }
      try {
        await queue.enqueueProcessDocument({ documentId: id });
      } catch (error) {
        log.error({ err: error, documentId: id }, "enqueue failed");
        await documents.markFailed(id, "enqueue_failed", "The document could not be queued; please upload it again.");
        throw new HttpError(503, "queue_unavailable", "The queue is unavailable; the document was not accepted. Try again.");
      }
      log.info({ documentId: id, bytes: file.size }, "document accepted");
      res.status(202).location(documentPath(id)).json({ ...presentSummary(doc), pages: [] });
    } finally {
      await removeQuietly(file?.path);
    }
  };

  return [multipartPdf(deps.uploadDir, deps.limits.maxUploadBytes), accept];
}
