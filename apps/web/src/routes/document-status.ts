import type { Request, RequestHandler, Response } from "express";
import type { AppDeps } from "../deps";
import { documentQuery } from "../api-schemas";
import { apiError, notFound } from "../http-error";
import { stateTag } from "../live/document-state";
import { waitForChange } from "../live/long-poll";
import { spliceQueue } from "../live/queue-estimates";
import type { StatusBody } from "../live/status-bodies";
import { presentDocument } from "../presenters";
import { parse } from "../validate";
import { documentIdOr404, findOr404 } from "./find-document";

/** How often SSE streams and long-polls re-read their document while the change feed is down (the fallback). */
export const DEFAULT_POLL_MS = 1000;

/** Per kept answer (its bytes), the last answer sent with a `queue` member; dropped with the kept answer. */
const withQueue = new WeakMap<Buffer, { queue: string; answer: StatusBody }>();

/** Status answers kept per web process (a 36-page document's is ~34 KB). */
export const STATUS_BODIES_MAX_BYTES = 4 * 2 ** 20;

/** How long a kept answer may be served: a tenth of a presigned URL's lifetime, at most 10 s. */
export const statusBodyMaxAgeMs = (signedUrlTtlSeconds = 3600) => Math.min(10_000, signedUrlTtlSeconds * 100);

/** The body as `res.json` would send it, with the ETag express would compute for it. */
function serialize(req: Request, value: unknown): StatusBody {
  return serializeBytes(req, Buffer.from(JSON.stringify(value)));
}

function serializeBytes(req: Request, body: Buffer): StatusBody {
  const etagOf = req.app.get("etag fn") as ((body: Buffer, encoding?: string) => string) | undefined;
  return { body, etag: etagOf?.(body) ?? "" };
}

function send(res: Response, answer: StatusBody): void {
  if (answer.etag) res.set("ETag", answer.etag); // express then answers If-None-Match with a 304 itself
  res.type("json").send(answer.body);
}

/**
 * GET /api/documents/{id}[?wait=S[&since=status:pagesDone]]: the document; with `wait`, a long-poll that answers
 * when its status or pagesDone changes (from `since`, or from the state at arrival), or after S seconds.
 * A plain GET is answered from the answers kept per version of the document's row (live/status-bodies.ts).
 */
export function documentStatusHandler(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = parse(documentQuery, req.query, () => apiError("bad_query", { rule: 'wait is 0 to 60 seconds, since is "status:pagesDone"' }));
    if (query.wait > 0) {
      let doc = await findOr404(deps.documents, req.params.id);
      deps.slots.streams.take(res);
      const options = { documents: deps.documents, changes: deps.documentChanges, pollMs: deps.live?.pollMs ?? DEFAULT_POLL_MS };
      doc = await waitForChange(options, doc, query.since ?? stateTag(doc), query.wait * 1000, res);
      if (res.writableEnded || res.destroyed) return;
      const queue = await deps.queueEstimates.estimate(doc);
      res.json({ ...(await presentDocument(doc, deps.store)), ...(queue ? { queue } : {}) });
      return;
    }
    // Lower case, as PostgreSQL writes the ids it notifies.
    const id = documentIdOr404(req.params.id).toLowerCase();
    const answer = await deps.statusBodies.get(
      id,
      () => deps.documents.findVersioned(id),
      async (read) => {
        // Pages recorded since the row was read come with the row's newer version, so that pagesDone counts them.
        const { row, pages } = await deps.documents.pagesOf(read);
        return serialize(req, await presentDocument({ ...row.document, pages }, deps.store));
      },
    );
    if (!answer) throw notFound("document");
    // A queued or processing document's position and estimates change without its row changing: never kept with
    // the answer. The answer with them is reused while they are the same (estimates are in whole seconds).
    const queue = await deps.queueEstimates.queueJsonFor(answer.body);
    if (queue === undefined) return send(res, answer);
    const last = withQueue.get(answer.body);
    if (last?.queue === queue) return send(res, last.answer);
    const spliced = serializeBytes(req, spliceQueue(answer.body, queue));
    withQueue.set(answer.body, { queue, answer: spliced });
    send(res, spliced);
  };
}
