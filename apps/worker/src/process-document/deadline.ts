import { PermanentFailure } from "@pagewise/core";
import { ComputeLimitExceeded } from "../compute/errors";
import type { PipelineContext } from "./context";

/** Fails with `timeout` once the document's own time limit has passed. */
export function checkDocumentDeadline(ctx: PipelineContext): void {
  if (Date.now() >= ctx.limits.deadline) throw new PermanentFailure("timeout", "document time limit reached");
}

/** The time a compute request may take: the page limit, or less when the document's limit comes first. */
export function requestTimeoutMs(ctx: PipelineContext): number {
  return Math.max(1, Math.min(ctx.limits.pageTimeoutMs, ctx.limits.deadline - Date.now()));
}

/** The permanent failure for a limit crossed where no smaller budget can help: `memory_limit` or `timeout`. */
export function limitFailure(error: ComputeLimitExceeded, what: string): PermanentFailure {
  return new PermanentFailure(error.limit === "memory" ? "memory_limit" : "timeout", `${what}: ${error.message}`, { cause: error });
}

/**
 * Runs a compute request that is not a page (opening the document). A limit crossed there fails the document:
 * a smaller page budget cannot help it.
 */
export async function withinLimits<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ComputeLimitExceeded) throw limitFailure(error, what);
    throw error;
  }
}
