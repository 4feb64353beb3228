import type { RequestHandler } from "express";
import { documentQuery } from "../api-schemas";
import type { WebDeps } from "../deps";
import { HttpError } from "../http-error";
import { stateTag } from "../live/document-state";
import { waitForChange } from "../live/long-poll";
import { presentDocument } from "../presenters";
import { parse } from "../validate";
import { findOr404 } from "./find-document";

export const DEFAULT_POLL_MS = 5000;

/**
 * GET /api/documents/{id}[?wait=S[&since=status:pagesDone]]: the document; with `wait`, a long-poll that answers
 * when its status or pagesDone changes (from `since`, or from the state at arrival), or after S seconds.
 */
export function documentStatusHandler(deps: WebDeps): RequestHandler {
  return async (req, res) => {
    let doc = await findOr404(deps.documents, req.params.id);
    const query = parse(documentQuery, req.query, () => new HttpError(400, "bad_query", 'wait must be 0 to 60 seconds; since is "status:pagesDone".'));
    if (query.wait > 0) {
      const options = { documents: deps.documents, signals: deps.signals, pollMs: deps.live?.pollMs ?? DEFAULT_POLL_MS };
      doc = await waitForChange(options, doc, query.since ?? stateTag(doc), query.wait * 1000, res);
      if (res.writableEnded || res.destroyed) return;
    }
    res.json(await presentDocument(doc, deps.store));
  };
}
