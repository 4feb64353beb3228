// Runtime values only from the generated enums (plain objects); the model types are erased at compile time, so this
// file loads nothing of Prisma's client.
import { DocumentStatus } from "./generated/prisma/enums";
import type { Document, Page } from "./generated/prisma/client";

/*
 * The one type of a document row, and of a page row: Prisma's models, generated from prisma/schema.prisma. Prisma
 * returns them in the web; the SQL of the worker's transitions and of the hot reads returns the same types, by
 * selecting every column under its field's name. The column lists are built from the maps below, typed by the
 * models' keys: a field added to the schema and not here (or one removed) is a compile error.
 */
export { DocumentStatus };
export type { Document, Page };
export type DocumentWithPages = Document & { pages: Page[] };

/**
 * The statuses a document has while its job may still run: every transition out of them (claim, fail, cancel) and
 * every read of the backlog uses this one set, in TypeScript or as the SQL list `unfinishedSql`.
 */
const unfinishedStatuses: readonly DocumentStatus[] = [DocumentStatus.queued, DocumentStatus.processing];
export const isUnfinished = (status: string | null | undefined): boolean => (unfinishedStatuses as readonly unknown[]).includes(status);
export const unfinishedSql = `(${unfinishedStatuses.map((s) => `'${s}'`).join(", ")})`;

const documentFieldColumns: { readonly [F in keyof Document]-?: string } = {
  id: "id",
  title: "title",
  filename: "filename",
  status: "status",
  sourceKey: "source_key",
  sourceBytes: "source_bytes",
  pageCount: "page_count",
  pagesDone: "pages_done",
  errorCode: "error_code",
  errorMessage: "error_message",
  detector: "detector",
  ocr: "ocr",
  attempts: "attempts",
  idempotencyKey: "idempotency_key",
  idempotencyFingerprint: "idempotency_fingerprint",
  sourceSha256: "source_sha256",
  dpi: "dpi",
  reusedFrom: "reused_from",
  createdAt: "created_at",
  startedAt: "started_at",
  finishedAt: "finished_at",
  updatedAt: "updated_at",
  expiresAt: "expires_at",
  callbackUrl: "callback_url",
  webhookPages: "webhook_pages",
  webhookState: "webhook_state",
  webhookAttempts: "webhook_attempts",
  webhookLastStatus: "webhook_last_status",
  webhookLastAttemptAt: "webhook_last_attempt_at",
};

const pageFieldColumns: { readonly [F in keyof Page]-?: string } = {
  documentId: "document_id",
  number: "number",
  width: "width",
  height: "height",
  scale: "scale",
  detectionCount: "detection_count",
  imageKey: "image_key",
  jsonKey: "json_key",
  renderMs: "render_ms",
  inferenceMs: "inference_ms",
  annotateMs: "annotate_ms",
  uploadMs: "upload_ms",
  degradedReason: "degraded_reason",
  skippedReason: "skipped_reason",
  createdAt: "created_at",
};

/** `column AS "field"`, ...: pg's default parsers then give Prisma's JS types (timestamptz → Date, int4 → number). */
const selectList = (map: Record<string, string>) => Object.entries(map).map(([field, column]) => `${column} AS "${field}"`).join(", ");

/** The documents table's columns under the model's field names. */
export const documentColumns = selectList(documentFieldColumns);
/** The pages table's columns under the model's field names. */
export const pageColumns = selectList(pageFieldColumns);

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
  /** Retention: deleted by housekeeping after this. */
  expiresAt?: Date | null;
  /** Webhook target (the upload's callbackUrl, else WEBHOOK_URL). */
  callbackUrl?: string | null;
  /** Send document.page events too. */
  webhookPages?: boolean;
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
