import type { Job } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { JobName } from "@pagewise/queue";
import { createLogger } from "@pagewise/logger";
import { ComputeCrashed, DetectorUnavailable } from "../../apps/worker/src/compute/errors";
import {
  BULLMQ_STALLED_REASON,
  finalFailureCode,
  JobStalled,
  recordFinalFailure,
  type FinalFailureActions,
} from "../../apps/worker/src/final-failure";

const log = createLogger("test", "silent");
const documentId = "7d5c2f9e-3b1a-4c2d-9e8f-0a1b2c3d4e5f";
const failedJob = (name: string, data: unknown, state = "failed", failedChildren = 0) =>
  ({ name, data, getState: async () => state, getDependenciesCount: async () => ({ failed: failedChildren }) }) as unknown as Job;

describe("the code of a job that failed for good, by the error's type", () => {
  it("maps each typed error to its code and anything else to internal", () => {
    expect(finalFailureCode(new DetectorUnavailable("cannot load detector yolo"))).toBe("detector_unavailable");
    expect(finalFailureCode(new JobStalled("lock lost"))).toBe("stalled");
    expect(finalFailureCode(new ComputeCrashed("the compute child exited"))).toBe("internal");
    expect(finalFailureCode(new UnrecoverableError("payload does not match"))).toBe("internal");
  });

  it("types BullMQ's stall reason, and does not take a message that merely mentions a stall for one", () => {
    expect(finalFailureCode(new Error(BULLMQ_STALLED_REASON))).toBe("stalled");
    expect(finalFailureCode(new Error("upstream stalled: ECONNRESET"))).toBe("internal");
    // A detector error's message is not what classifies it: its class is.
    expect(finalFailureCode(new Error("DetectorUnavailable"))).toBe("internal");
  });
});

describe("recordFinalFailure runs the final action of every job type", () => {
  const calls: Array<[string, unknown, string]> = [];
  const actions: FinalFailureActions = {
    [JobName.ProcessDocument]: async (payload, code) => void calls.push([JobName.ProcessDocument, payload, code]),
    [JobName.ProcessRange]: async (payload, code) => void calls.push([JobName.ProcessRange, payload, code]),
    [JobName.Housekeeping]: async (payload, code) => void calls.push([JobName.Housekeeping, payload, code]),
    [JobName.DeliverWebhook]: async (payload, code) => void calls.push([JobName.DeliverWebhook, payload, code]),
  };
  beforeEach(() => calls.splice(0));

  it("marks a document job with its code, and reports a housekeeping job", async () => {
    await recordFinalFailure(actions, log, failedJob(JobName.ProcessDocument, { documentId }), new DetectorUnavailable("x"));
    await recordFinalFailure(actions, log, failedJob(JobName.Housekeeping, {}), new Error(BULLMQ_STALLED_REASON));
    expect(calls).toEqual([
      [JobName.ProcessDocument, { documentId }, "detector_unavailable"],
      [JobName.Housekeeping, {}, "stalled"],
    ]);
  });

  it("a page range whose worker died too often: its document's action gets `stalled`", async () => {
    const range = { documentId, firstPage: 25, lastPage: 48, deadline: 1_800_000_000_000 };
    await recordFinalFailure(actions, log, failedJob(JobName.ProcessRange, range), new Error(BULLMQ_STALLED_REASON));
    expect(calls).toEqual([[JobName.ProcessRange, range, "stalled"]]);
  });

  it("leaves a split document whose range failed to that range's action (its code, not `internal`)", async () => {
    await recordFinalFailure(actions, log, failedJob(JobName.ProcessDocument, { documentId }, "failed", 1), new Error("child bull:documents:x failed"));
    expect(calls).toEqual([]);
  });

  it("does nothing while a retry is scheduled, nor for a job name it does not know", async () => {
    await recordFinalFailure(actions, log, failedJob(JobName.ProcessDocument, { documentId }, "delayed"), new Error("x"));
    await recordFinalFailure(actions, log, failedJob("nope", { documentId }), new Error("x"));
    await recordFinalFailure(actions, log, undefined, new Error("x"));
    expect(calls).toEqual([]);
  });

  it("reads a payload a newer release wrote (an unknown field is dropped)", async () => {
    await recordFinalFailure(actions, log, failedJob(JobName.ProcessDocument, { documentId, priority: 1 }), new Error("x"));
    expect(calls).toEqual([[JobName.ProcessDocument, { documentId }, "internal"]]);
  });
});
