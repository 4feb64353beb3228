// Runtime values only from the generated enums (plain objects); the model types are erased at compile time, so this
// file loads nothing of Prisma's client.
import { DocumentStatus } from "./generated/prisma/enums";
import type { Document, Page } from "./generated/prisma/client";

export { DocumentStatus };
export type { Document, Page };
export type DocumentWithPages = Document & { pages: Page[] };

export const terminalStatuses: readonly DocumentStatus[] = [
  DocumentStatus.succeeded,
  DocumentStatus.failed,
  DocumentStatus.cancelled,
];

export interface NewDocument {
  id: string;
  title: string;
  filename: string;
  sourceKey: string;
  sourceBytes: number;
  idempotencyKey?: string;
  /** sha256 of the request that used the key (file and fields): the same key with another request is refused. */
  idempotencyFingerprint?: string;
  /** Recognise the text of each text detection (default false). */
  ocr?: boolean;
  /** sha256 (hex) of the uploaded bytes, when the web read them. */
  sourceSha256?: string;
}

/** A processed page, or a skipped one (`skippedReason`: no size, scale, image or results). */
export interface PageRecord {
  number: number;
  width: number | null;
  height: number | null;
  scale: number | null;
  detectionCount: number;
  imageKey: string | null;
  jsonKey: string | null;
  timings?: { renderMs: number; inferenceMs: number; annotateMs: number; uploadMs: number };
  /** The limit the page crossed before it was processed at a reduced budget. */
  degradedReason?: "memory" | "timeout";
  /** The limit the page crossed at the reduced budget too: skipped. */
  skippedReason?: "memory" | "timeout";
}
