import type { Detector } from "@pagewise/detector";
import type { DocumentRepository } from "@pagewise/db";
import type { Logger } from "@pagewise/logger";
import type { RenderLimits } from "@pagewise/pdf";
import type { ObjectStore } from "@pagewise/storage";

export interface PipelineLimits extends RenderLimits {
  maxPages: number;
  maxSourceBytes: number;
  /** Epoch milliseconds after which the document fails with `timeout`. */
  deadline: number;
}

/** Everything a step may use. Steps get ids and services, never a whole world. */
export interface PipelineContext {
  documentId: string;
  documents: DocumentRepository;
  store: ObjectStore;
  detectorId: string;
  detector: () => Promise<Detector>;
  limits: PipelineLimits;
  log: Logger;
  reportProgress: (progress: { page: number; of: number }) => Promise<void>;
}
