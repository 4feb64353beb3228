import type { Queue } from "bullmq";
import { failureMessages } from "@pagewise/core";
import { deleteDocument, finishDeletion, type DocumentProgress, type PgDocumentDeletions } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { DocumentQueue, JobName } from "@pagewise/queue";
import type { JobHandler } from "./handlers";
import { sweepOrphans, type OrphanSweepDeps } from "./orphan-sweep";

/** A deletion younger than this is left to the request that is making it. */
const DELETION_GRACE_MS = 60_000;

export interface HousekeepingDeps {
  documents: DocumentProgress;
  queue: DocumentQueue;
  log: Logger;
  /** Unfinished documents untouched for this long are checked against Redis. */
  staleMs: number;
  /** Finished job records older than this are removed from Redis (Postgres keeps the history). */
  keepFinishedJobsMs: number;
  /** Storage folders that no row owns are removed (orphan-sweep.ts); without it, storage is not swept. */
  orphans?: Omit<OrphanSweepDeps, "log">;
  /** Deletions whose storage part failed are finished, and expired documents deleted (retention). */
  deletions?: { deletions: PgDocumentDeletions; store: OrphanSweepDeps["store"] };
  /**
   * Webhook deliveries without a job (lost with Redis, or a change no worker heard) are enqueued; finished ones are
   * removed after a week.
   */
  webhooks?: { enqueueStray(): Promise<number>; prune(): Promise<number> };
}

/**
 * Reconciles Postgres (the truth) with Redis for unfinished documents, and trims old job records:
 * - the job vanished (Redis flushed, or restarted without persistence): re-queue it;
 * - the job ended failed but the document was never marked (the worker died in between): mark it failed;
 * - the job completed but the document is unfinished (e.g. re-queued by hand): run it again.
 * Then it sweeps storage folders that no row owns (orphan-sweep.ts); a storage failure there is logged and waits
 * for the next run. Safe to run anywhere at any time: enqueueing uses the document id as job id.
 *
 * Split documents (docs/splitting.md): only the document's own job is looked at. While its ranges run it is in
 * `waiting-children` (live); when a range fails for good BullMQ fails it (failParentOnFailure), so a document left
 * unmarked is marked here; a re-queued one adds the ranges that still have pages to do (a range job that survived
 * is attached to it again under its id).
 */
export function housekeepingHandler(deps: HousekeepingDeps): JobHandler<typeof JobName.Housekeeping> {
  return async () => {
    let requeued = 0;
    for (const doc of await deps.documents.unfinishedOlderThan(deps.staleMs, 500)) {
      const state = await deps.queue.jobState(doc.id);
      if (state === "failed") {
        await deps.documents.markFailed(doc.id, "internal", failureMessages.internal);
        deps.log.warn({ documentId: doc.id }, "job had failed without the document being marked; marked failed");
        continue;
      }
      if (state !== "missing" && state !== "completed") continue;
      if (state === "completed") await deps.queue.removeJob(doc.id);
      await deps.queue.enqueueProcessDocument({ documentId: doc.id });
      requeued += 1;
      deps.log.warn({ documentId: doc.id, status: doc.status, state }, "document had no live job; re-queued");
    }
    const queue: Queue = deps.queue.queue;
    const cleaned =
      (await queue.clean(deps.keepFinishedJobsMs, 1000, "completed")).length +
      (await queue.clean(deps.keepFinishedJobsMs, 1000, "failed")).length;
    const { finished, expired } = deps.deletions ? await deleteAndExpire(deps, deps.deletions) : { finished: 0, expired: 0 };
    const webhooks = deps.webhooks && (await Promise.all([deps.webhooks.enqueueStray(), deps.webhooks.prune()]).catch((error: unknown) => {
      deps.log.warn({ err: error }, "could not enqueue or prune webhook deliveries; the next run tries again");
      return undefined;
    }));
    let swept: { looked: number; removed: string[] } | undefined;
    if (deps.orphans) {
      swept = await sweepOrphans({ ...deps.orphans, log: deps.log }).catch((error: unknown) => {
        deps.log.warn({ err: error }, "orphaned storage sweep failed; the next run tries again");
        return undefined;
      });
    }
    deps.log.info({ requeued, cleaned, deletionsFinished: finished, expired, webhooksEnqueued: webhooks?.[0], webhooksPruned: webhooks?.[1], foldersLooked: swept?.looked, orphansRemoved: swept?.removed.length }, "housekeeping done");
  };
}

/**
 * Finishes deletions whose storage calls failed (the row is already gone; the objects go now), then deletes expired
 * documents through the same path as DELETE /api/documents/{id}. A storage failure is recorded and retried next run.
 */
async function deleteAndExpire(deps: HousekeepingDeps, d: NonNullable<HousekeepingDeps["deletions"]>): Promise<{ finished: number; expired: number }> {
  const common = { deletions: d.deletions, store: d.store, log: deps.log };
  let finished = 0;
  for (const pending of await d.deletions.pending(DELETION_GRACE_MS, 100)) if (await finishDeletion(common, pending)) finished += 1;
  let expired = 0;
  for (const id of await d.deletions.expired(100)) {
    if ((await deleteDocument({ ...common, removeJob: (jobId) => deps.queue.removeJob(jobId) }, id)) !== "not_found") expired += 1;
  }
  if (expired) deps.log.info({ expired }, "deleted documents past their retention");
  return { finished, expired };
}
