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
    error: doc.errorCode ? { code: doc.errorCode, message: doc.errorMessage ?? doc.errorCode } : null,
    createdAt: doc.createdAt.toISOString(),
    startedAt: doc.startedAt?.toISOString() ?? null,
    finishedAt: doc.finishedAt?.toISOString() ?? null,
    url: documentPath(doc.id),
  };
}

export async function presentPage(page: Page, store: ObjectStore) {
  const [imageUrl, jsonUrl] = await Promise.all([store.url(page.imageKey), store.url(page.jsonKey)]);
  return {
    number: page.number,
    width: page.width,
    height: page.height,
    scale: page.scale,
    detections: page.detectionCount,
    imageUrl,
    jsonUrl,
  };
}

export async function presentDocument(doc: DocumentWithPages, store: ObjectStore) {
  return { ...presentSummary(doc), pages: await Promise.all(doc.pages.map((p) => presentPage(p, store))) };
}
