import type { Response } from "express";
import type { Document } from "@pagewise/db";
import type { AppDeps, WebDeps } from "../deps";
import { apiError } from "../http-error";
import { documentPath, presentDocument, presentSummary } from "../presenters";

/** Answers with an existing document, as the first request did (Idempotency-Key, or an upload used twice). */
export async function replay(res: Response, deps: WebDeps, doc: Document): Promise<void> {
  const current = (await deps.documents.find(doc.id)) ?? { ...doc, pages: [] };
  res.status(202).location(documentPath(doc.id)).set("Idempotent-Replayed", "true").json(await presentDocument(current, deps.store));
}

/**
 * The last two steps of every way in: the row is written (by the caller), then the job is enqueued. A failed
 * enqueue marks the row failed and answers 503, so no row is left `queued` without a job.
 */
export async function enqueueAndAnswer(res: Response, deps: AppDeps, doc: Document): Promise<void> {
  try {
    await deps.queue.enqueueProcessDocument({ documentId: doc.id });
  } catch (error) {
    deps.log.error({ err: error, documentId: doc.id }, "enqueue failed");
    await deps.documents.failEnqueue(doc.id, "The document could not be queued; please upload it again.");
    throw apiError("queue_unavailable", { what: "accepted" });
  }
  deps.log.info({ documentId: doc.id, bytes: doc.sourceBytes }, "document accepted");
  res.status(202).location(documentPath(doc.id)).json({ ...presentSummary(doc), pages: [] });
}
