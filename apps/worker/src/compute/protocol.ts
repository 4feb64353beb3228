import type { DetectorId, DetectorOptions, FailureCode, PageResult, SourceKind } from "@pagewise/core";
import type { RenderLimits } from "@pagewise/pdf";
import type { PageTimings } from "@pagewise/pipeline";

/**
 * Messages between the worker (parent) and its compute child. The child does the CPU-bound and memory-hungry
 * work (pdf.js, canvas, onnxruntime); the parent keeps the BullMQ lock alive, talks to Postgres and storage, and
 * can kill the child on a deadline. Buffers cross with Node's "advanced" (structured clone) serialization.
 */
export interface ChildConfig {
  detectorId: DetectorId;
  /** As `detectorOptionsFrom(env)` made them in the worker: the child maps nothing. */
  detectorOptions: DetectorOptions;
}

export type ComputeRequest =
  | { id: number; type: "open"; path: string; kind: SourceKind; maxPages: number; maxDeclaredPixels: number; maxImagePixels?: number }
  | { id: number; type: "page"; number: number; limits: RenderLimits; ocr?: boolean }
  | { id: number; type: "close" };

export interface OpenReply {
  numPages: number;
}

export interface PageReply {
  png: Uint8Array;
  result: PageResult;
  timings: PageTimings;
}

export interface SerializedError {
  name: string;
  message: string;
  code?: FailureCode;
}

/** Sent once, after the child has loaded its detector. */
export interface ChildReady {
  ready: true;
  rss: number;
}

/** Sent instead of ChildReady when the detector cannot be loaded; the child exits after it. */
export interface ChildFatal {
  fatal: { code: "detector_unavailable"; message: string };
}

export type ComputeReply =
  | { id: number; ok: true; value: unknown; rss: number }
  | { id: number; ok: false; error: SerializedError; rss: number };
