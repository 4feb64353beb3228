import { UnrecoverableError, type Job } from "bullmq";
import { isPermanentFailure } from "@pagewise/core";
import type { DocumentRepository } from "@pagewise/db";
import type { Logger } from "@pagewise/logger";
import type { JobName } from "@pagewise/queue";
import type { ObjectStore } from "@pagewise/storage";
import type { DetectorProvider } from "./detector-provider";
import type { JobHandler } from "./handlers";
import type { PipelineLimits } from "./process-document/context";
import { processDocument } from "./process-document/run";

export interface DocumentHandlerDeps {
  documents: DocumentRepository;
  store: ObjectStore;
  detectors: DetectorProvider;
  limits: Omit<PipelineLimits, "deadline"> & { documentTimeoutMs: number };
  log: Logger;
}

/**
 * Permanent failures mark the document failed with their code and end the job at once (UnrecoverableError);
 * anything else is rethrown so BullMQ retries it with backoff.
 */
export function processDocumentHandler(deps: DocumentHandlerDeps): JobHandler<typeof JobName.ProcessDocument> {
  return async ({ documentId }, job: Job) => {
    const log = deps.log.child({ documentId, jobId: job.id, attempt: job.attemptsMade + 1 });
    const { documentTimeoutMs, ...limits } = deps.limits;
    try {
      await processDocument({
        documentId,
        documents: deps.documents,
        store: deps.store,
        detectorId: deps.detectors.id,
        detector: () => deps.detectors.get(),
        limits: { ...limits, deadline: Date.now() + documentTimeoutMs },
        log,
        reportProgress: (progress) => job.updateProgress(progress),
      });
    } catch (error) {
      if (isPermanentFailure(error)) {
        log.warn({ code: error.code, detail: error.message }, "document failed permanently");
        await deps.documents.markFailed(documentId, error.code, error.publicMessage);
        throw new UnrecoverableError(error.code);
      }
      log.error({ err: error }, "document attempt failed; BullMQ will retry if attempts remain");
      throw error;
    }
  };
}
