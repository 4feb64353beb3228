import { isSkipped, type DocumentSummary, type PageResult, type SkippedPage } from "./types";

/**
 * The whole document's results as one JSON object, built in the browser from the per-page results when the
 * server has no export route: the document's summary, then every page's result in page order.
 */
export function buildDocumentExport(doc: DocumentSummary, pages: Array<PageResult | SkippedPage>) {
  const sorted = [...pages].sort((a, b) => a.number - b.number);
  return {
    document: {
      id: doc.id,
      title: doc.title,
      filename: doc.filename,
      status: doc.status,
      pageCount: doc.pageCount,
      detector: doc.detector,
      createdAt: doc.createdAt,
      finishedAt: doc.finishedAt,
    },
    pages: sorted.map((p) =>
      isSkipped(p)
        ? { number: p.number, detections: [], skipped: p.skipped }
        : {
            number: p.number,
            width: p.width,
            height: p.height,
            scale: p.scale,
            rotation: p.rotation,
            detector: p.detector,
            detections: p.detections,
            ...(p.degraded ? { degraded: p.degraded } : {}),
          },
    ),
  };
}

/** A file name from the document title: "Annual report 2024" → "annual-report-2024.json". */
export function exportFilename(title: string, suffix = ""): string {
  const base = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "document";
  return `${base}${suffix}.json`;
}
