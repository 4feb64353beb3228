import type { Document } from "@pagewise/db";

/** What SSE clients and long-polls watch: the status and how many pages are done. */
export interface WatchedState {
  status: Document["status"];
  pagesDone: number;
  pageCount: number | null;
  error: { code: string; message: string } | null;
}

export function watchedState(doc: Document): WatchedState {
  return {
    status: doc.status,
    pagesDone: doc.pagesDone,
    pageCount: doc.pageCount,
    error: doc.errorCode ? { code: doc.errorCode, message: doc.errorMessage ?? doc.errorCode } : null,
  };
}

/** A short token for "this state": equal tokens mean nothing a client shows has changed. */
export const stateTag = (s: Pick<WatchedState, "status" | "pagesDone">): string => `${s.status}:${s.pagesDone}`;

/** The `status` SSE event: `{ status, error? }`. */
export function statusEventData(s: WatchedState): { status: string; error?: { code: string; message: string } } {
  return s.error ? { status: s.status, error: s.error } : { status: s.status };
}

/** The `progress` SSE event `{ page, of }`, or null while the page count is unknown. */
export function progressEventData(s: WatchedState): { page: number; of: number } | null {
  return s.pageCount ? { page: s.pagesDone, of: s.pageCount } : null;
}
