import { Router } from "express";
import type { AppDeps } from "../deps";
import { progressEventData, statusEventData, watchedState, type WatchedState } from "../live/document-state";
import { openSse } from "../live/sse";
import { watchDocument } from "../live/watch-document";
import { DEFAULT_POLL_MS } from "./document-status";
import { findOr404 } from "./find-document";

const DEFAULT_HEARTBEAT_MS = 15_000;

/**
 * GET /api/documents/{id}/events: Server-Sent Events. First the current state (`status`, then `progress` when
 * the page count is known), then `progress` { page, of } as workers finish pages and `status` { status, error? }
 * when it changes: the row is read again after each change PostgreSQL notifies (the web's one change feed, with a
 * timer as the fallback while it is down). A comment line every 15 s
 * keeps the connection open. The stream stays open after a final status (a retry may follow); clients close it.
 * Streams and long-polls share MAX_OPEN_STREAMS slots: one more is a 503 `busy` with Retry-After.
 */
export function documentEventsRouter(deps: AppDeps): Router {
  const router = Router();
  router.get("/:id/events", async (req, res) => {
    const doc = await findOr404(deps.documents, req.params.id);
    deps.slots.streams.take(res);
    const log = req.log?.child({ documentId: doc.id }) ?? deps.log.child({ documentId: doc.id });
    const stream = openSse(res, deps.live?.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
    deps.streams?.add(stream);

    let status: string | undefined;
    let errorCode: string | undefined;
    let sentPage = -1;
    let sentOf = -1;
    const sendProgress = (page: number, of: number) => {
      if (page < sentPage || (page === sentPage && of === sentOf)) return; // progress never goes backwards
      sentPage = page;
      sentOf = of;
      stream.send("progress", { page, of });
    };
    const sendState = (state: WatchedState) => {
      if (state.status !== status || state.error?.code !== errorCode) {
        status = state.status;
        errorCode = state.error?.code;
        stream.send("status", statusEventData(state));
      }
      const progress = progressEventData(state);
      if (progress) sendProgress(progress.page, progress.of);
    };

    sendState(watchedState(doc));
    const watch = watchDocument(
      async () => (await deps.documents.findVersioned(doc.id))?.document ?? null,
      deps.documentChanges,
      doc.id,
      { pollMs: deps.live?.pollMs ?? DEFAULT_POLL_MS },
      (row) => sendState(watchedState(row)),
      (error) => log.warn({ err: error }, "event stream could not re-read the document"),
    );
    log.debug("event stream opened");
    stream.onClose(() => {
      watch.stop();
      log.debug("event stream closed");
    });
  });
  return router;
}
