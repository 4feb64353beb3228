import type { ComputeSession } from "../compute/compute-pool";
import type { PipelineContext } from "./context";
import { requestTimeoutMs, withinLimits } from "./deadline";

/** Opens the PDF in the compute child (encrypted, corrupt, empty and over-long documents fail here): its real page count. */
export async function open(ctx: PipelineContext, session: ComputeSession): Promise<number> {
  return withinLimits("open", () => session.open(requestTimeoutMs(ctx)));
}
