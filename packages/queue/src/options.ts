import type { JobsOptions } from "bullmq";
import { JobName } from "./names";

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
  [JobName.Housekeeping]: {
    attempts: 1,
    removeOnComplete: { count: 10 },
    removeOnFail: { count: 50 },
  },
};

/** The housekeeping job scheduler's id: one schedule, however many workers upsert it. */
export const HOUSEKEEPING_SCHEDULER_ID = "housekeeping";
