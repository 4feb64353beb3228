import type { JobsOptions } from "bullmq";
import { JobName } from "./names";

/**
 * Webhook deliveries: network errors, 5xx and 429 retry with exponential backoff and jitter (6 s doubling: 14 waits
 * of at most 6 s · (2^14 − 1) ≈ 27 h in all, ~20 h on average with the jitter), for about a day; other 4xx fail at once
 * (UnrecoverableError). Each attempt is one request with a 10 s timeout.
 */
const WEBHOOK_ATTEMPTS = 15;

/**
 * Default options per job. Transient failures retry with exponential backoff; permanent ones throw
 * BullMQ's UnrecoverableError and fail at once. Finished jobs are trimmed: Postgres keeps the history.
 */
export const defaultJobOptions: Record<JobName, JobsOptions> = {
  [JobName.ProcessDocument]: {
    attempts: 5,
    backoff: { type: "exponential", delay: 2000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  },
  // A range's failure fails its parent (and so ends the document's flow); its final-failure action marks the
  // document failed with the range's code. Completed ranges are removed at once: their pages are in PostgreSQL, and
  // a parent that runs again (a retry) can add a range under the same id.
  [JobName.ProcessRange]: {
    attempts: 5,
    backoff: { type: "exponential", delay: 2000, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
    failParentOnFailure: true,
  },
  [JobName.DeliverWebhook]: {
    attempts: WEBHOOK_ATTEMPTS,
    backoff: { type: "exponential", delay: 6000, jitter: 0.5 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  },
  [JobName.Housekeeping]: {
    attempts: 1,
    removeOnComplete: { count: 10 },
    removeOnFail: { count: 50 },
  },
};

/** The housekeeping job scheduler's id: one schedule, however many workers upsert it. */
export const HOUSEKEEPING_SCHEDULER_ID = "housekeeping";
