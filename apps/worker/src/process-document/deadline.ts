import { PermanentFailure } from "@pagewise/core";
import { ComputeTimeout } from "../compute/errors";
import type { PipelineContext } from "./context";

/** Fails with `timeout` once the document's own time limit has passed. */
export function checkDocumentDeadline(ctx: PipelineContext): void {
  if (Date.now() > ctx.limits.deadline) throw new PermanentFailure("timeout", "document time limit reached");
}

/** The time a compute request may take: the page limit, or less when the document's limit comes first. */
export function requestTimeoutMs(ctx: PipelineContext): number {
  return Math.max(1, Math.min(ctx.limits.pageTimeoutMs, ctx.limits.deadline - Date.now()));
}

/** Turns a compute child killed on its deadline into the permanent `timeout` failure. */
export async function pageDeadline<T>(ctx: PipelineContext, what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ComputeTimeout) throw new PermanentFailure("timeout", `${what}: ${error.message}`, { cause: error });
    throw error;
  }
}
