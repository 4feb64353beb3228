import type { Detection, PageLimitReason, PageResult, SkippedPage } from "./detections";

/*
 * The API's response shapes as plain types, for the browser page (apps/ui imports them as types only, through
 * `@pagewise/core/api-types`, so its bundle holds none of core's code). The web's zod schemas for the same shapes
 * (apps/web/src/api-schemas.ts) are checked against these at compile time.
 */
export type { Detection, PageLimitReason, PageResult, SkippedPage };

export type DocumentStatusName = "queued" | "processing" | "succeeded" | "failed" | "cancelled";

/** A failed document's error, and every 4xx/5xx answer's `error`. */
export interface Failure {
  code: string;
  message: string;
}

export interface DocumentSummary {
  id: string;
  title: string;
  filename: string;
  status: DocumentStatusName;
  pageCount: number | null;
  pagesDone: number;
  detector: string | null;
  ocr: boolean;
  /** The document whose results were copied into this one (upload with reuse=true). */
  reusedFrom: string | null;
  error: Failure | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** When retention deletes the document; null = kept until deleted. */
  expiresAt: string | null;
  /** The last webhook delivery; null when the document has no webhook target. */
  webhook: WebhookSummary | null;
  url: string;
}

interface WebhookSummary {
  /** null: no event yet. */
  state: "pending" | "retrying" | "delivered" | "failed" | null;
  attempts: number;
  lastStatus: number | null;
  lastAttemptAt: string | null;
}

/** A processed page in a document's page list. */
export interface PageLinks {
  number: number;
  width: number;
  height: number;
  /** Page image pixels per PDF point. */
  scale: number;
  /** Number of detections. */
  detections: number;
  imageUrl: string;
  jsonUrl: string;
  degraded?: PageResult["degraded"];
}

/** A skipped page in a document's page list: no image, results or size. */
export interface SkippedPageLinks {
  number: number;
  detections: 0;
  skipped: SkippedPage["skipped"];
}

/** A queued or processing document's place in the queue and estimates; absent otherwise. */
interface QueueInfo {
  /** Queued only: documents ahead of this one (queued before it, or processing). */
  ahead?: number;
  /** Queued only: when a worker should start on it. */
  estimatedStartAt?: string | null;
  /** null: no recent throughput to go by. */
  estimatedFinishAt: string | null;
  /** The workers' throughput over the last 10 minutes, which the estimates use. */
  pagesPerSecond: number | null;
}

export interface DocumentDetail extends DocumentSummary {
  pages: Array<PageLinks | SkippedPageLinks>;
  queue?: QueueInfo;
}

/** GET /api/config. */
export interface ClientConfig {
  directUpload: boolean;
  maxUploadBytes: number;
  authRequired: boolean;
  storage: "local" | "s3";
}
