import { Router } from "express";
import type { AppDeps } from "../deps";
import { apiError, notFound } from "../http-error";
import { presentDocument } from "../presenters";
import { documentIdOr404 } from "./find-document";

/**
 * POST /api/documents/{id}/cancel: a queued document is cancelled at once (its job removed); a processing one
 * stops within one page on whichever worker holds it (workers read the status between pages). Pages done so far
 * are kept. A succeeded or failed document answers 409; cancelling twice is harmless.
 *
 * POST /api/documents/{id}/retry: a failed or cancelled document is queued again and resumes after the pages
 * already done. Anything else answers 409.
 *
 * DELETE /api/documents/{id}: 204, then 404. A queued or processing document is cancelled first (in the same
 * transaction); the row goes, then every stored object under its prefixes. When storage fails the API answers 204
 * all the same (the document is gone for it) and housekeeping deletes the objects.
 */
export function documentActionsRouter(deps: AppDeps): Router {
  const { documents, queue, store, log } = deps;
  const router = Router();

  router.post("/:id/cancel", async (req, res) => {
    const id = documentIdOr404(req.params.id);
    const result = await documents.cancel(id);
    if (result === "not_found") throw notFound("document");
    if (result === "finished") throw apiError("not_cancellable");
    if (result === "cancelled") {
      const removed = await queue.removeJob(id);
      log.info({ documentId: id, jobRemoved: removed }, "document cancelled");
    }
    const doc = await documents.find(id);
    res.json(await presentDocument(doc!, store));
  });

  router.post("/:id/retry", async (req, res) => {
    const id = documentIdOr404(req.params.id);
    const doc = await documents.find(id);
    if (!doc) throw notFound("document");
    if (doc.status !== "failed" && doc.status !== "cancelled")
      throw apiError("not_retryable", { reason: "only failed or cancelled documents can be" });
    if (doc.errorCode === "enqueue_failed" || doc.errorCode === "source_missing") {
      if (!(await store.head(doc.sourceKey))) throw apiError("not_retryable", { reason: "the uploaded file is gone; upload it again" });
    }
    if (!(await queue.removeJob(id)) && (await queue.jobState(id)) === "active")
      throw apiError("still_running");
    if (!(await documents.requeue(id))) throw apiError("not_retryable", { reason: "it changed meanwhile; reload it" });
    // The answer is the state this request made (queued), read before the job exists: once it is enqueued, a worker
    // may claim it before we could read the row again.
    const requeued = (await documents.find(id))!;
    try {
      await queue.enqueueProcessDocument({ documentId: id });
    } catch (error) {
      log.error({ err: error, documentId: id }, "enqueue failed on retry");
      await documents.failEnqueue(id, "The document could not be queued; please try again.");
      throw apiError("queue_unavailable", { what: "queued again" });
    }
    log.info({ documentId: id }, "document re-queued");
    res.status(202).json(await presentDocument(requeued, store));
  });

  router.delete("/:id", async (req, res) => {
    const id = documentIdOr404(req.params.id);
    const outcome = await documents.delete(id, { store, removeJob: (jobId) => queue.removeJob(jobId), log });
    if (outcome === "not_found") throw notFound("document");
    res.status(204).end();
  });

  return router;
}
