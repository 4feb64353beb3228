import type { ComputeSession } from "../compute/compute-pool";
import type { PipelineContext } from "./context";
import { requestTimeoutMs, withinLimits } from "./deadline";

/** Opens the PDF in the compute child (encrypted, corrupt, empty and over-long documents fail here) and records the real page count. */
export async function open(ctx: PipelineContext, session: ComputeSession): Promise<number> {
  const numPages = await withinLimits("open", () => session.open(requestTimeoutMs(ctx)));
  await ctx.documents.setPageCount(ctx.documentId, numPages);
  return numPages;
}
