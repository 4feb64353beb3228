/** The API's shapes as the page uses them (see /api/openapi.json). */
export type Status = "queued" | "processing" | "succeeded" | "failed" | "cancelled";

export interface Failure {
  code: string;
  message: string;
}

export interface DocumentSummary {
  id: string;
  title: string;
  filename: string;
  status: Status;
  pageCount: number | null;
  pagesDone: number;
  detector: string | null;
  error: Failure | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The limit a page crossed: the worker's memory ceiling, or the page time limit. */
export type PageLimitReason = "memory" | "timeout";

/** Processed again at a reduced budget (half the dpi, large images left out) after crossing a limit. */
interface Degraded {
  reason: PageLimitReason;
  dpi: number;
}

export interface PageLinks {
  number: number;
  width: number;
  height: number;
  scale: number;
  detections: number;
  imageUrl: string;
  jsonUrl: string;
  degraded?: Degraded;
}

/** A page that crossed a limit at the reduced budget too: no image, size or detections. */
export interface SkippedPageLinks {
  number: number;
  detections: 0;
  skipped: { reason: PageLimitReason };
}

export interface DocumentDetail extends DocumentSummary {
  pages: Array<PageLinks | SkippedPageLinks>;
}

export const isSkipped = (page: PageLinks | SkippedPageLinks | PageResult | SkippedPage): page is SkippedPageLinks | SkippedPage =>
  "skipped" in page;

export interface Detection {
  box: [number, number, number, number];
  polygon: Array<[number, number]>;
  score: number;
  label: string;
}

export interface PageResult {
  number: number;
  width: number;
  height: number;
  scale: number;
  rotation: number;
  detector: string;
  detections: Detection[];
  degraded?: Degraded;
}

export interface SkippedPage {
  number: number;
  detections: [];
  skipped: { reason: PageLimitReason };
}

/** Why a page was degraded or skipped, in words. */
export const limitLabel: Record<PageLimitReason, string> = {
  memory: "it needed more memory than the worker's limit",
  timeout: "it took longer than the page time limit",
};

export interface ClientConfig {
  directUpload: boolean;
  maxUploadBytes: number;
  authRequired: boolean;
  storage: "local" | "s3";
}

export const isFinished = (s: Status): boolean => s === "succeeded" || s === "failed" || s === "cancelled";
