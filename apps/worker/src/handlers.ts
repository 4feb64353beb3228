import { type Job, UnrecoverableError } from "bullmq";
import { JobName, type JobPayload, parseJobPayload } from "@pagewise/queue";

export type JobHandler<N extends JobName> = (payload: JobPayload<N>, job: Job, token: string | undefined) => Promise<void>;
export type JobHandlers = { [N in JobName]: JobHandler<N> };

/** The worker refuses to start when a job name in the contracts has no handler. */
export function assertEveryJobHasHandler(handlers: Partial<Record<string, unknown>>): void {
  const missing = Object.values(JobName).filter((name) => typeof handlers[name] !== "function");
  if (missing.length) throw new Error(`No handler for job name(s): ${missing.join(", ")}`);
}

/** Routes a job to its handler after parsing the payload against the contract (again: it was parsed before add). */
export function dispatcher(handlers: JobHandlers) {
  assertEveryJobHasHandler(handlers);
  return async (job: Job, token?: string): Promise<void> => {
    const name = job.name as JobName;
    const handler = handlers[name] as JobHandler<JobName> | undefined;
    if (!handler) throw new UnrecoverableError(`unknown job name ${job.name}`);
    const parsed = (() => {
      try {
        return parseJobPayload(name, job.data);
      } catch (error) {
        throw new UnrecoverableError(`payload of ${job.name} does not match its contract: ${(error as Error).message}`);
      }
    })();
    await handler(parsed, job, token);
  };
}
