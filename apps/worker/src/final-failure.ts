import type { Job } from "bullmq";
import { failureMessages } from "@pagewise/core";
import type { DocumentProgress } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import { JobName } from "@pagewise/queue";

/**
 * The code of a document whose job failed after its last attempt: a detector that could not load says so
 * (`detector_unavailable`: the cause is the worker's model, not the document), a job that stalled too often is
 * `stalled`, anything else `internal`.
 */
export function finalFailureCode(error: Error): "detector_unavailable" | "stalled" | "internal" {
  if (error.name === "DetectorUnavailable") return "detector_unavailable";
  return /stalled/i.test(error.message) ? "stalled" : "internal";
}

/**
 * A job that ended failed for good (attempts used up, stalled too often, unrecoverable) must leave its document
 * failed, even when the processor never ran: stalls are detected by whichever worker notices. Permanent failures
 * were already marked with their own code; markFailed leaves finished documents alone.
 */
export function recordFinalFailure(documents: DocumentProgress, log: Logger, job: Job | undefined, error: Error): void {
  if (!job || job.name !== JobName.ProcessDocument) return;
  void (async () => {
    if ((await job.getState()) !== "failed") return; // a retry is scheduled
    const code = finalFailureCode(error);
    const documentId = (job.data as { documentId: string }).documentId;
    if (await documents.markFailed(documentId, code, failureMessages[code]))
      log.error({ documentId, code, err: error }, "document failed after its last attempt");
  })().catch((e) => log.error({ err: e }, "could not record a failed job"));
}
