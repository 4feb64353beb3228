import { ComputePool, RECYCLE_SHARE_OF_CEILING } from "../../apps/worker/src/compute/compute-pool";
import type { ComputeProcess } from "../../apps/worker/src/compute/compute-process";
import { degradedBudget, DEGRADED_MAX_IMAGE_PIXELS } from "../../apps/worker/src/process-document/limited-page";
import { finalFailureCode } from "../../apps/worker/src/final-failure";
import { DetectorUnavailable } from "../../apps/worker/src/compute/errors";
import { createLogger } from "@pagewise/logger";

const MB = 2 ** 20;

describe("compute children between pages", () => {
  const pool = new ComputePool({ detectorId: "ppocr-det", detectorOptions: { threads: 1, maxSide: 960 } }, { maxDocumentsPerChild: 10, maxPagesPerChild: 300, memoryCeilingBytes: 400 * MB }, createLogger("test", "silent"));
  const child = (rssMb: number) => ({ rss: rssMb * MB }) as ComputeProcess;

  it("replaces a child that ends a page near its ceiling, before it crosses it in the middle of the next one", () => {
    expect(RECYCLE_SHARE_OF_CEILING).toBe(0.95);
    expect(pool.overMemory(child(330))).toBe(false);
    expect(pool.overMemory(child(379))).toBe(false);
    expect(pool.overMemory(child(381))).toBe(true);
  });

  it("replaces a child before its next page once it has rendered WORKER_MAX_PAGES_PER_CHILD pages", () => {
    expect(pool.replaceBeforePage({ rss: 300 * MB, pagesStarted: 299 })).toBeUndefined();
    expect(pool.replaceBeforePage({ rss: 300 * MB, pagesStarted: 300 })).toBe("max pages per child");
    expect(pool.replaceBeforePage({ rss: 390 * MB, pagesStarted: 1 })).toBe("max memory per child");
  });
});

describe("the reduced budget of a page retried after a limit", () => {
  it("halves the dpi, quarters the pixel cap and leaves out embedded images above 12 Mpx", () => {
    expect(degradedBudget({ dpi: 150, maxPixels: 16_000_000 })).toEqual({ limits: { dpi: 75, maxPixels: 4_000_000 }, maxImagePixels: DEGRADED_MAX_IMAGE_PIXELS });
    expect(DEGRADED_MAX_IMAGE_PIXELS).toBe(12_000_000);
  });
});

describe("the code of a document whose job failed after its last attempt", () => {
  it("blames the detector when it could not load, a stall when the job stalled, else says internal", () => {
    expect(finalFailureCode(new DetectorUnavailable("cannot load detector yolo: bad model"))).toBe("detector_unavailable");
    expect(finalFailureCode(new Error("job stalled more than allowable limit"))).toBe("stalled");
    expect(finalFailureCode(new Error("connect ECONNREFUSED"))).toBe("internal");
  });
});
