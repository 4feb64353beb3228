import { UnrecoverableError, WaitingChildrenError, WaitingError, type Job } from "bullmq";
import { isPermanentFailure } from "@pagewise/core";
import type { DocumentProgress } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { DocumentQueue, JobName } from "@pagewise/queue";
import type { ObjectStore } from "@pagewise/storage";
import type { ComputePool } from "./compute/compute-pool";
import { ComputeInterrupted } from "./compute/errors";
import type { JobHandler } from "./handlers";
import type { PageDone, PipelineContext, PipelineLimits, Splitting } from "./process-document/context";
import { Interrupted } from "./process-document/interrupted";
import { processDocument, processRange } from "./process-document/run";

export interface DocumentHandlerDeps {
  documents: DocumentProgress;
  store: ObjectStore;
  compute: ComputePool;
  detectorId: string;
  limits: Omit<PipelineLimits, "deadline"> & { documentTimeoutMs: number };
  log: Logger;
  stopping: () => boolean;
  onPageDone?: (documentId: string, page: PageDone) => Promise<void>;
  /** SPLIT_PAGES above 0: longer documents become page ranges, added as child jobs with `enqueueRanges`. */
  split?: { pages: number; enqueueRanges: DocumentQueue["enqueueRanges"] };
}

/**
 * - Permanent failures mark the document failed with their code and end the job at once (UnrecoverableError).
 * - Shutdown hands the job back to the queue without using up an attempt (moveToWait + WaitingError); the next
 *   worker resumes after the last recorded page.
 * - Anything else is rethrown: BullMQ retries it with exponential backoff and jitter.
 * - A document longer than SPLIT_PAGES: its ranges are added as child jobs and this job waits for them
 *   (moveToWaitingChildren + WaitingChildrenError); BullMQ runs it again once they have all ended, and it finalises.
 */
export function processDocumentHandler(deps: DocumentHandlerDeps): JobHandler<typeof JobName.ProcessDocument> {
  return async ({ documentId }, job: Job, token) => {
    const log = deps.log.child({ documentId, jobId: job.id, attempt: job.attemptsMade + 1 });
    const { split } = deps;
    const splitting: Splitting | undefined =
      split && token
        ? {
            pages: split.pages,
            waitFor: async (ranges, deadline) => {
              const payloads = ranges.map(({ first, last }) => ({ documentId, firstPage: first, lastPage: last, deadline }));
              await split.enqueueRanges({ id: job.id as string, queue: job.queueQualifiedName }, payloads);
              return job.moveToWaitingChildren(token);
            },
          }
        : undefined;
    const deadline = Date.now() + deps.limits.documentTimeoutMs;
    const outcome = await runDocumentJob(deps, documentId, job, token, log, deadline, (ctx) => processDocument({ ...ctx, split: splitting }));
    if (outcome === "split") {
      log.info("waiting for the document's page ranges");
      throw new WaitingChildrenError();
    }
    log.info({ outcome }, "job finished");
  };
}

/**
 * A page range of a split document, under the same rules as a document's job. Its time limit is the document's
 * (`deadline`, set when the document was split). A range that fails for good fails the document with its code
 * (here, or in its final-failure action) and, through BullMQ's `failParentOnFailure`, the parent job.
 */
export function processRangeHandler(deps: DocumentHandlerDeps): JobHandler<typeof JobName.ProcessRange> {
  return async ({ documentId, firstPage, lastPage, deadline }, job: Job, token) => {
    const log = deps.log.child({ documentId, jobId: job.id, range: `${firstPage}-${lastPage}`, attempt: job.attemptsMade + 1 });
    const outcome = await runDocumentJob(deps, documentId, job, token, log, deadline, (ctx) => processRange(ctx, { first: firstPage, last: lastPage }));
    log.info({ outcome }, "job finished");
  };
}

async function runDocumentJob<T>(
  deps: DocumentHandlerDeps,
  documentId: string,
  job: Job,
  token: string | undefined,
  log: Logger,
  deadline: number,
  run: (ctx: PipelineContext) => Promise<T>,
): Promise<T> {
  const { documentTimeoutMs: _documentTimeoutMs, ...limits } = deps.limits;
  try {
    return await run({
      documentId,
      documents: deps.documents,
      store: deps.store,
      compute: deps.compute,
      detectorId: deps.detectorId,
      limits: { ...limits, deadline },
      log,
      stopping: deps.stopping,
      onPageDone: async (page) => {
        const limited = page.limited ? { [page.limited.outcome]: page.limited.reason } : {};
        log.info({ page: page.page, of: page.of, detections: page.detections, ...limited, ...roundTimings(page.timings) }, "page done");
        await job.updateProgress({ page: page.page, of: page.of });
        await deps.onPageDone?.(documentId, page);
      },
    });
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
}

function roundTimings(timings: PageDone["timings"]) {
  return Object.fromEntries(Object.entries(timings ?? {}).map(([k, v]) => [k, Math.round(v)]));
}
