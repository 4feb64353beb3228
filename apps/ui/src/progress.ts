import type { DocumentSummary } from "./types";

export interface ProgressInfo {
  /** 0..1, or null while the page count is unknown (indeterminate bar). */
  fraction: number | null;
  /** "Page 3 of 10", "Waiting in the queue", "Opening the PDF"... */
  label: string;
  /** "about 20 s left", or "" when unknown. */
  eta: string;
}

/** "45 s", "3 min", "1 h 5 min". */
export function formatDuration(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
}

/**
 * Seconds left at the document's speed so far (pages per second since it started), or null before the first
 * page or without a start time. `now` and `startedAt` are milliseconds.
 */
export function secondsLeft(pagesDone: number, pageCount: number | null, startedAt: number | null, now: number): number | null {
  if (!pageCount || !startedAt || pagesDone <= 0 || pagesDone >= pageCount) return null;
  const elapsed = (now - startedAt) / 1000;
  if (elapsed <= 0) return null;
  const pagesPerSecond = pagesDone / elapsed;
  return (pageCount - pagesDone) / pagesPerSecond;
}

export function progressInfo(doc: Pick<DocumentSummary, "status" | "pagesDone" | "pageCount" | "startedAt">, now: number): ProgressInfo {
  const { status, pagesDone, pageCount } = doc;
  // Indeterminate (null) only while a running document's page count is still unknown.
  const fraction = pageCount ? Math.min(1, pagesDone / pageCount) : status === "succeeded" ? 1 : status === "processing" ? null : 0;
  const pages = pageCount ? `Page ${pagesDone} of ${pageCount}` : "";
  switch (status) {
    case "queued":
      return { fraction: pageCount ? fraction : 0, label: pagesDone > 0 && pages ? `Queued again · ${pages}` : "Waiting in the queue", eta: "" };
    case "processing": {
      const left = secondsLeft(pagesDone, pageCount, doc.startedAt ? Date.parse(doc.startedAt) : null, now);
      return { fraction, label: pages || "Opening the PDF", eta: left === null ? "" : `about ${formatDuration(left)} left` };
    }
    case "succeeded":
      return { fraction: 1, label: pageCount ? `${pageCount} ${pageCount === 1 ? "page" : "pages"} done` : "Done", eta: "" };
    case "cancelled":
      return { fraction, label: pages ? `Stopped at ${pages.toLowerCase()}` : "No pages processed", eta: "" };
    case "failed":
      return { fraction, label: pages ? `Stopped at ${pages.toLowerCase()}` : "No pages processed", eta: "" };
  }
}

export const statusLabel: Record<DocumentSummary["status"], string> = {
  queued: "Queued",
  processing: "Processing",
  succeeded: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};
