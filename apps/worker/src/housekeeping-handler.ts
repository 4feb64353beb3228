import type { Queue } from "bullmq";
import { failureMessages } from "@pagewise/core";
import type { DocumentProgress } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { DocumentQueue, JobName } from "@pagewise/queue";
import type { JobHandler } from "./handlers";
import { sweepOrphans, type OrphanSweepDeps } from "./orphan-sweep";

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
}

/**
 * Reconciles Postgres (the truth) with Redis for unfinished documents, and trims old job records:
 * - the job vanished (Redis flushed, or restarted without persistence): re-queue it;
 * - the job ended failed but the document was never marked (the worker died in between): mark it failed;
 * - the job completed but the document is unfinished (e.g. re-queued by hand): run it again.
 * Then it sweeps storage folders that no row owns (orphan-sweep.ts); a storage failure there is logged and waits
 * for the next run. Safe to run anywhere at any time: enqueueing uses the document id as job id.
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
    let swept: { looked: number; removed: string[] } | undefined;
    if (deps.orphans) {
      swept = await sweepOrphans({ ...deps.orphans, log: deps.log }).catch((error: unknown) => {
        deps.log.warn({ err: error }, "orphaned storage sweep failed; the next run tries again");
        return undefined;
      });
    }
    deps.log.info({ requeued, cleaned, foldersLooked: swept?.looked, orphansRemoved: swept?.removed.length }, "housekeeping done");
  };
}
