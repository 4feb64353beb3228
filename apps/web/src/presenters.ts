import { dpiOfScale, type PageLimitReason } from "@pagewise/core";
import type { Document, DocumentWithPages, Page } from "@pagewise/db";
import type { ObjectStore } from "@pagewise/storage";

export const documentPath = (id: string) => `/api/documents/${id}`;

export function presentSummary(doc: Document) {
  return {
    id: doc.id,
    title: doc.title,
    filename: doc.filename,
    status: doc.status,
    pageCount: doc.pageCount,
    pagesDone: doc.pagesDone,
    detector: doc.detector,
    ocr: doc.ocr,
    reusedFrom: doc.reusedFrom,
    error: doc.errorCode ? { code: doc.errorCode, message: doc.errorMessage ?? doc.errorCode } : null,
    createdAt: doc.createdAt.toISOString(),
    startedAt: doc.startedAt?.toISOString() ?? null,
    finishedAt: doc.finishedAt?.toISOString() ?? null,
    expiresAt: doc.expiresAt?.toISOString() ?? null,
    webhook: doc.callbackUrl
      ? {
          state: (doc.webhookState as "pending" | "retrying" | "delivered" | "failed" | null) ?? null,
          attempts: doc.webhookAttempts,
          lastStatus: doc.webhookLastStatus,
          lastAttemptAt: doc.webhookLastAttemptAt?.toISOString() ?? null,
        }
      : null,
    url: documentPath(doc.id),
  };
}

/** A page row as it was processed, or as it was skipped (no size, scale, image or results). */
export type PageRow =
  | { kind: "processed"; page: Page & { width: number; height: number; scale: number; imageKey: string; jsonKey: string } }
  | { kind: "skipped"; page: Page; reason: PageLimitReason };

const limitReason = (value: string | null): PageLimitReason | undefined => (value === "memory" || value === "timeout" ? value : undefined);

/** Tells a processed page row from a skipped one (the columns a skipped page lacks are null). */
export function pageRow(page: Page): PageRow {
  const skipped = limitReason(page.skippedReason);
  if (skipped) return { kind: "skipped", page, reason: skipped };
  const { width, height, scale, imageKey, jsonKey } = page;
  if (width === null || height === null || scale === null || imageKey === null || jsonKey === null) {
    throw new Error(`page ${page.number} of ${page.documentId} is neither processed nor skipped`);
  }
  return { kind: "processed", page: { ...page, width, height, scale, imageKey, jsonKey } };
}

/** `{ reason, dpi }` when the page was processed at the reduced budget. */
export function degradedOf(page: Page & { scale: number }) {
  const reason = limitReason(page.degradedReason);
  return reason ? { degraded: { reason, dpi: dpiOfScale(page.scale) } } : {};
}

async function presentPage(row: Page, store: ObjectStore) {
  const r = pageRow(row);
  if (r.kind === "skipped") return { number: r.page.number, detections: 0 as const, skipped: { reason: r.reason } };
  const { page } = r;
  const [imageUrl, jsonUrl] = await Promise.all([store.url(page.imageKey), store.url(page.jsonKey)]);
  return {
    number: page.number,
    width: page.width,
    height: page.height,
    scale: page.scale,
    detections: page.detectionCount,
    imageUrl,
    jsonUrl,
    ...degradedOf(page),
  };
}

export async function presentDocument(doc: DocumentWithPages, store: ObjectStore) {
  return { ...presentSummary(doc), pages: await Promise.all(doc.pages.map((p) => presentPage(p, store))) };
}
