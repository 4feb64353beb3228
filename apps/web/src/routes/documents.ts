import { randomUUID } from "node:crypto";
import { Router } from "express";
import { z } from "zod";
import { storageKeys } from "@pagewise/core";
import type { DocumentRepository } from "@pagewise/db";
import { ObjectNotFound } from "@pagewise/storage";
import type { WebDeps } from "../deps";
import { HttpError, notFound } from "../http-error";
import { documentPath, presentDocument, presentPage, presentSummary } from "../presenters";
import { assertLooksLikePdf, multipartPdf, removeQuietly, titleFromFilename } from "../upload";

const idParams = z.object({ id: z.uuid() });
const pageParams = idParams.extend({ n: z.coerce.number().int().min(1) });
const uploadFields = z.object({ title: z.string().trim().min(1).max(500).optional() });
const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().optional(),
});

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(iso ?? "");
  if (Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success)
    throw new HttpError(400, "bad_cursor", "The cursor is not valid.");
  return { createdAt, id: id as string };
}

function parse<T>(schema: z.ZodType<T>, value: unknown, onError: () => HttpError): T {
  const result = schema.safeParse(value);
  if (!result.success) throw onError();
  return result.data;
}

async function findOr404(documents: DocumentRepository, id: unknown) {
  const { id: valid } = parse(idParams, { id }, () => notFound("No such document."));
  const doc = await documents.find(valid);
  if (!doc) throw notFound("No such document.");
  return doc;
}

export function documentsRouter(deps: WebDeps): Router {
  const { documents, queue, store, log } = deps;
  const router = Router();

  /**
   * Upload: the file goes to storage, then the row is written, then the job is enqueued, in that order.
   * A failed enqueue marks the row failed and answers 503, so no row is left in `queued` without a job.
   */
  router.post("/", multipartPdf(deps.uploadDir, deps.limits.maxUploadBytes), async (req, res) => {
    const file = req.file;
    try {
      if (!file) throw new HttpError(400, "missing_file", 'Send the PDF as multipart/form-data in the field "file".');
      const fields = parse(uploadFields, req.body ?? {}, () => new HttpError(400, "bad_title", "The title must be 1 to 500 characters."));
      await assertLooksLikePdf(file.path);
      const id = randomUUID();
      const sourceKey = storageKeys.source(id);
      await store.putFile(sourceKey, file.path, "application/pdf");
      const filename = file.originalname || "document.pdf";
      const doc = await documents.create({
        id,
        title: fields.title ?? titleFromFilename(filename),
        filename,
        sourceKey,
        sourceBytes: file.size,
      });
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
  });

  router.get("/", async (req, res) => {
    const query = parse(listQuery, req.query, () => new HttpError(400, "bad_query", "limit must be 1 to 100."));
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await documents.list(query.limit + 1, cursor);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    res.json({
      items: items.map(presentSummary),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    });
  });

  router.get("/:id", async (req, res) => {
    res.json(await presentDocument(await findOr404(documents, req.params.id), store));
  });

  router.get("/:id/pages/:n", async (req, res) => {
    const { id, n } = parse(pageParams, req.params, () => notFound("No such page."));
    const page = await documents.findPage(id, n);
    if (!page) throw notFound("No such page, or it is not processed yet.");
    let result: unknown;
    try {
      result = JSON.parse((await store.get(page.jsonKey)).toString("utf8"));
    } catch (error) {
      if (error instanceof ObjectNotFound) throw notFound("The page's results are missing from storage.");
      throw error;
    }
    const links = await presentPage(page, store);
    res.json({ ...(result as object), pointsPerPixel: 1 / page.scale, imageUrl: links.imageUrl, jsonUrl: links.jsonUrl });
  });

  return router;
}
