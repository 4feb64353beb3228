import type { DocumentProgress } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { RenderLimits } from "@pagewise/pdf";
import type { ObjectStore } from "@pagewise/storage";
import type { ComputePool } from "../compute/compute-pool";
import type { PageTimings } from "../compute/protocol";

export interface PipelineLimits extends RenderLimits {
  maxPages: number;
  maxSourceBytes: number;
  /** Longest a single page (render + detect + annotate) may take before its child is killed. */
  pageTimeoutMs: number;
  /** Epoch milliseconds after which the document fails with `timeout`. */
  deadline: number;
}

export interface PageDone {
  page: number;
  of: number;
  detections: number;
  timings: PageTimings & { uploadMs: number };
}

/** Everything a step may use. Steps get ids and services, never a whole world. */
export interface PipelineContext {
  documentId: string;
  documents: DocumentProgress;
  store: ObjectStore;
  compute: ComputePool;
  detectorId: string;
  limits: PipelineLimits;
  log: Logger;
  /** True once the worker is shutting down: stop between pages and hand the job back. */
  stopping: () => boolean;
  onPageDone: (page: PageDone) => Promise<void>;
}
