import type { Job } from "bullmq";
import { failureMessages, type FailureCode } from "@pagewise/core";
import type { DocumentProgress, PgWebhookDeliveries } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import { isJobName, JobName, type JobPayload, parseJobPayload } from "@pagewise/queue";
import { DetectorUnavailable } from "./compute/errors";

/** A job that stalled (its worker stopped renewing its lock) more often than `WORKER_MAX_STALLED_COUNT` allows. */
export class JobStalled extends Error {
  override name = "JobStalled";
}

/**
 * BullMQ fails a job that stalled too often with this reason (moveStalledJobsToWait.lua) and no error class or
 * code: `typedFailure` is the one place that turns it into a type, compared whole, not searched for a word.
 */
export const BULLMQ_STALLED_REASON = "job stalled more than allowable limit";

/** The error as a type this module knows: BullMQ's untyped stall reason becomes `JobStalled`, the rest is kept. */
function typedFailure(error: Error): Error {
  return error.message === BULLMQ_STALLED_REASON && !(error instanceof JobStalled) ? new JobStalled(error.message) : error;
}

export type FinalFailureCode = Extract<FailureCode, "detector_unavailable" | "stalled" | "internal">;

/** Error classes with a code of their own; anything else is `internal`. */
const codesByErrorClass: ReadonlyArray<readonly [abstract new (...args: never[]) => Error, FinalFailureCode]> = [
  [DetectorUnavailable, "detector_unavailable"], // the cause is the worker's model, not the document
  [JobStalled, "stalled"],
];

/** The code of a job that failed after its last attempt, by the error's class. */
export function finalFailureCode(error: Error): FinalFailureCode {
  const typed = typedFailure(error);
  return codesByErrorClass.find(([type]) => typed instanceof type)?.[1] ?? "internal";
}

/** What each job type does when its job failed for good; a job name without an entry is a compile error. */
export type FinalFailureActions = {
  [N in JobName]: (payload: JobPayload<N>, code: FinalFailureCode, error: Error) => Promise<void>;
};

export function finalFailureActions(
  documents: DocumentProgress,
  deliveries: Pick<PgWebhookDeliveries, "recordAttempt">,
  log: Logger,
): FinalFailureActions {
  return {
    // Permanent failures were already marked with their own code; markFailed leaves finished documents alone.
    [JobName.ProcessDocument]: async ({ documentId }, code, error) => {
      if (await documents.markFailed(documentId, code, failureMessages[code]))
        log.error({ documentId, code, err: error }, "document failed after its last attempt");
    },
    // A range that failed for good (attempts used up, its worker died too often: `stalled`) fails its document with
    // that code; BullMQ fails the parent job (failParentOnFailure) and the other ranges stop within a page.
    [JobName.ProcessRange]: async ({ documentId, firstPage, lastPage }, code, error) => {
      if (await documents.markFailed(documentId, code, failureMessages[code]))
        log.error({ documentId, range: `${firstPage}-${lastPage}`, code, err: error }, "page range failed after its last attempt; document failed");
    },
    // Nothing to mark: the scheduler runs it again at its next interval.
    [JobName.Housekeeping]: async (_payload, code, error) => {
      log.error({ code, err: error }, "housekeeping failed after its last attempt; its next scheduled run tries again");
    },
    // The handler records each attempt it finishes (a give-up too); a delivery whose worker died too often (stalled)
    // never finished its last attempt, so it is recorded failed here.
    [JobName.DeliverWebhook]: async ({ deliveryId }, code, error) => {
      if (code === "stalled") await deliveries.recordAttempt(deliveryId, "failed", null);
      log.warn({ deliveryId, code, err: error }, "webhook delivery failed after its last attempt");
    },
  };
}

/**
 * A job that ended failed for good (attempts used up, stalled too often, unrecoverable) runs its job type's final
 * action, even when the processor never ran: stalls are detected by whichever worker notices.
 */
export function recordFinalFailure(actions: FinalFailureActions, log: Logger, job: Job | undefined, error: Error): Promise<void> {
  if (!job || !isJobName(job.name)) return Promise.resolve();
  const name = job.name;
  return (async () => {
    if ((await job.getState()) !== "failed") return; // a retry is scheduled
    // A split document's job fails because one of its ranges did (BullMQ's failParentOnFailure): that range's own
    // final action marks the document with the range's code (`stalled`, say), which this one must not race to
    // `internal`. Housekeeping marks a document whose range's worker died before it could.
    if (name === JobName.ProcessDocument && ((await job.getDependenciesCount({ failed: true })).failed ?? 0) > 0) {
      log.info({ documentId: job.id }, "a page range failed; its final action marks the document");
      return;
    }
    const payload = parseJobPayload(name, job.data);
    const action = actions[name] as (payload: JobPayload<JobName>, code: FinalFailureCode, error: Error) => Promise<void>;
    await action(payload, finalFailureCode(error), error);
  })().catch((e: unknown) => log.error({ err: e, job: name }, "could not record a failed job"));
}
