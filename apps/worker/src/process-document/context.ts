import type { DocumentProgress } from "@pagewise/db/progress";
import type { Logger } from "@pagewise/logger";
import type { RenderLimits } from "@pagewise/pdf";
import type { ObjectStore } from "@pagewise/storage";
import type { ComputePool } from "../compute/compute-pool";
import type { PageLimitReason } from "@pagewise/core";
import type { PageTimings } from "@pagewise/metrics";
import type { PageRange } from "./ranges";

/**
 * What happens to a page that crosses the compute child's memory ceiling or the page time limit: `skip` retries it
 * once at a reduced budget and records it skipped if it still cannot fit (the document goes on); `fail` fails the
 * document (`memory_limit` or `timeout`).
 */
type PageFailurePolicy = "skip" | "fail";

export interface PipelineLimits extends RenderLimits {
  maxPages: number;
  /** MAX_IMAGE_PIXELS: an image input (or TIFF frame) declaring more pixels fails with image_too_large, undecoded. */
  maxDeclaredPixels: number;
  maxSourceBytes: number;
  /** Longest a single page (render + detect + annotate) may take before its child is killed. */
  pageTimeoutMs: number;
  pageFailurePolicy: PageFailurePolicy;
  /** Epoch milliseconds after which the document fails with `timeout`. */
  deadline: number;
}

export interface PageDone {
  page: number;
  of: number;
  detections: number;
  /** Absent for a skipped page (nothing ran to the end). */
  timings?: PageTimings;
  /** The page crossed a limit: processed at a reduced budget (`degraded`) or not at all (`skipped`). */
  limited?: { outcome: "degraded" | "skipped"; reason: PageLimitReason };
}

/**
 * Splitting a long document into page ranges (docs/splitting.md): the job of a document with more than `pages`
 * pages does not process them itself; it adds its ranges as child jobs and waits for them.
 */
export interface Splitting {
  /** SPLIT_PAGES. */
  pages: number;
  /**
   * Adds `ranges` as children of this document's job (their time limit: `deadline`, epoch ms) and moves the job to
   * wait for them. False when none of its children is pending any more (they all ended in the meantime).
   */
  waitFor(ranges: PageRange[], deadline: number): Promise<boolean>;
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
  /** Absent: every document is processed by its own job, however long (SPLIT_PAGES=0, or a range job itself). */
  split?: Splitting;
}
