import { createLogger } from "@pagewise/logger";
import type { DocumentProgress } from "@pagewise/db/progress";
import type { PipelineContext } from "@pagewise/worker/process-document/context";
import type { PageRange } from "@pagewise/worker/process-document/ranges";
import { processDocument } from "@pagewise/worker/process-document/run";

const documentId = "7d5c2f9e-3b1a-4c2d-9e8f-0a1b2c3d4e5f";

/**
 * The job of a split document when it runs again (its page count is known, so it needs no source): it adds the
 * ranges that still have pages to do and waits, or finalises. Pure logic over fakes; the flow itself runs on real
 * Redis in tests/integration/split-flow and with real processes in tests/e2e/split-ranges.
 */
function parentRun(recorded: number[][], opts: { status?: string; waits?: boolean[]; deadline?: number } = {}) {
  const added: PageRange[][] = [];
  const succeeded: string[] = [];
  const waits = [...(opts.waits ?? [true])];
  const reads = [...recorded];
  const documents = {
    claim: async () => ({ id: documentId, pageCount: 50, pagesDone: 0, status: "processing" }),
    recordedPages: async () => reads.shift() ?? recorded[recorded.length - 1] ?? [],
    statusOf: async () => opts.status ?? "processing",
    markSucceeded: async (id: string) => (succeeded.push(id), true),
  } as unknown as DocumentProgress;
  const ctx = {
    documentId,
    documents,
    limits: { deadline: opts.deadline ?? Date.now() + 60_000, dpi: 150 },
    log: createLogger("test", "silent"),
    split: {
      pages: 24,
      waitFor: async (ranges: PageRange[]) => (added.push(ranges), waits.shift() ?? true),
    },
  } as unknown as PipelineContext;
  return { run: () => processDocument(ctx), added, succeeded };
}

const pages = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);

describe("the job of a split document", () => {
  it("adds only the ranges with pages missing, and waits for them", async () => {
    const { run, added, succeeded } = parentRun([[...pages(1, 24), ...pages(49, 49)]]);
    expect(await run()).toBe("split");
    expect(added).toEqual([[{ first: 25, last: 48 }, { first: 49, last: 50 }]]);
    expect(succeeded).toEqual([]);
  });

  it("finalises the document once every page has a row, whatever the order they came in", async () => {
    const { run, added, succeeded } = parentRun([[...pages(25, 50), ...pages(1, 24)]]);
    expect(await run()).toBe("succeeded");
    expect(added).toEqual([]);
    expect(succeeded).toEqual([documentId]);
  });

  it("looks again when its ranges all ended while they were being added", async () => {
    const { run, succeeded } = parentRun([pages(1, 30), pages(1, 50)], { waits: [false] });
    expect(await run()).toBe("succeeded");
    expect(succeeded).toEqual([documentId]);
  });

  it("fails its attempt (BullMQ retries it) when ranges ended with pages still missing", async () => {
    const { run } = parentRun([pages(1, 30)], { waits: [false, false] });
    await expect(run()).rejects.toThrow(/pages still missing/);
  });

  it("does not split a cancelled document again, and fails one past its time limit", async () => {
    const cancelled = parentRun([[]], { status: "cancelled" });
    expect(await cancelled.run()).toBe("cancelled");
    expect(cancelled.added).toEqual([]);
    const late = parentRun([[]], { deadline: Date.now() - 1 });
    await expect(late.run()).rejects.toMatchObject({ code: "timeout" });
  });
});
