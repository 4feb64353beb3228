import type { PendingDeletion, PgDocumentDeletions } from "./document-deletions";

/** What deleting a document needs besides the database (structural, so this package loads no storage or queue). */
export interface DeleteDocumentDeps {
  deletions: PgDocumentDeletions;
  store: { deletePrefix(prefix: string): Promise<number> };
  /** Removes the document's job if it is waiting (an active one stops within a page: its row is gone). */
  removeJob(documentId: string): Promise<unknown>;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export type DeleteOutcome = "deleted" | "storage_pending" | "not_found";

/**
 * The one path that deletes a document, for DELETE /api/documents/{id} and for retention: the row goes first (from
 * then on the API answers 404 and no worker stores another object for it), then its job, then every object under its
 * prefixes. A storage failure leaves the deletion recorded; housekeeping finishes it (`finishDeletion`).
 */
export async function deleteDocument(deps: DeleteDocumentDeps, documentId: string): Promise<DeleteOutcome> {
  const pending = await deps.deletions.remove(documentId);
  if (!pending) return "not_found";
  await Promise.resolve(deps.removeJob(documentId)).catch(() => undefined);
  return (await finishDeletion(deps, pending)) ? "deleted" : "storage_pending";
}

/** Deletes the objects of a removed document; false (and recorded for housekeeping) when storage failed. */
export async function finishDeletion(deps: Omit<DeleteDocumentDeps, "removeJob">, pending: PendingDeletion): Promise<boolean> {
  try {
    let objects = 0;
    for (const prefix of pending.prefixes) objects += await deps.store.deletePrefix(prefix);
    await deps.deletions.finished(pending.documentId);
    deps.log.info({ documentId: pending.documentId, objects }, "document deleted");
    return true;
  } catch (error) {
    await deps.deletions.failedAttempt(pending.documentId).catch(() => undefined);
    deps.log.warn({ err: error, documentId: pending.documentId }, "could not delete a deleted document's objects; housekeeping will");
    return false;
  }
}
