import { UnrecoverableError, WaitingError, type Job } from "bullmq";
import { isPermanentFailure } from "@pagewise/core";
import type { DocumentProgress } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { JobName } from "@pagewise/queue";
import type { ObjectStore } from "@pagewise/storage";
import type { ComputePool } from "./compute/compute-pool";
import { ComputeInterrupted } from "./compute/errors";
import type { JobHandler } from "./handlers";
import type { PageDone, PipelineLimits } from "./process-document/context";
import { Interrupted } from "./process-document/interrupted";
import { processDocument } from "./process-document/run";

export interface DocumentHandlerDeps {
  documents: DocumentProgress;
  store: ObjectStore;
  compute: ComputePool;
  detectorId: string;
  limits: Omit<PipelineLimits, "deadline"> & { documentTimeoutMs: number };
  log: Logger;
  stopping: () => boolean;
  onPageDone?: (documentId: string, page: PageDone) => Promise<void>;
}

/**
 * - Permanent failures mark the document failed with their code and end the job at once (UnrecoverableError).
 * - Shutdown hands the job back to the queue without using up an attempt (moveToWait + WaitingError); the next
 *   worker resumes after the last recorded page.
 * - Anything else is rethrown: BullMQ retries it with exponential backoff and jitter.
 */
export function processDocumentHandler(deps: DocumentHandlerDeps): JobHandler<typeof JobName.ProcessDocument> {
  return async ({ documentId }, job: Job, token) => {
    const log = deps.log.child({ documentId, jobId: job.id, attempt: job.attemptsMade + 1 });
    const { documentTimeoutMs, ...limits } = deps.limits;
    try {
      const outcome = await processDocument({
        documentId,
        documents: deps.documents,
        store: deps.store,
        compute: deps.compute,
        detectorId: deps.detectorId,
        limits: { ...limits, deadline: Date.now() + documentTimeoutMs },
        log,
        stopping: deps.stopping,
        onPageDone: async (page) => {
          const limited = page.limited ? { [page.limited.outcome]: page.limited.reason } : {};
          log.info({ page: page.page, of: page.of, detections: page.detections, ...limited, ...roundTimings(page.timings) }, "page done");
          await job.updateProgress({ page: page.page, of: page.of });
          await deps.onPageDone?.(documentId, page);
        },
      });
      log.info({ outcome }, "job finished");
    } catch (error) {
      if (isPermanentFailure(error)) {
        log.warn({ code: error.code, detail: error.message }, "document failed permanently");
        await deps.documents.markFailed(documentId, error.code, error.publicMessage);
        throw new UnrecoverableError(error.code);
      }
      if ((error instanceof Interrupted || error instanceof ComputeInterrupted) && deps.stopping() && token) {
        log.info("shutting down: handing the job back to the queue");
        await job.moveToWait(token);
        throw new WaitingError();
      }
      log.error({ err: error }, "document attempt failed; BullMQ retries it if attempts remain");
      throw error;
    }
  };
}

function roundTimings(timings: PageDone["timings"]) {
  return Object.fromEntries(Object.entries(timings ?? {}).map(([k, v]) => [k, Math.round(v)]));
}
