import { Router } from "express";
import { z } from "zod";
import { ObjectNotFound } from "@pagewise/storage";
import type { AppDeps } from "../deps";
import { apiError, notFound } from "../http-error";
import { pageRow, presentSummary } from "../presenters";
import { parse } from "../validate";
import { createDocumentHandlers } from "./create-document";
import { documentStatusHandler } from "./document-status";
import { documentActionsRouter } from "./document-actions";
import { exportRouter } from "./export";
import { listQuery, pageParams } from "../api-schemas";

/** The list's keyset cursor: the last item's creation time (ISO 8601, UTC, milliseconds) and id, base64url. */
const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");

/**
 * A cursor this API wrote, or a 400 `bad_cursor`: exactly what encodeCursor makes (a date PostgreSQL can hold, in
 * the one ISO form toISOString writes, re-encoded to the same text), never a date the database would refuse.
 */
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const bad = () => apiError("bad_cursor");
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  const [iso, id, ...rest] = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  if (rest.length || !iso || !id || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(iso) || !z.uuid().safeParse(id).success) throw bad();
  const createdAt = new Date(iso);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso || encodeCursor(createdAt, id) !== cursor) throw bad();
  return { createdAt, id };
}

export function documentsRouter(deps: AppDeps): Router {
  const { documents, store } = deps;
  const router = Router();
  router.post("/", ...createDocumentHandlers(deps));
  router.use(documentActionsRouter(deps));
  router.use(exportRouter(deps));

  router.get("/", async (req, res) => {
    const query = parse(listQuery, req.query, () => apiError("bad_query", { rule: "limit is 1 to 100" }));
    const cursor = query.cursor ? decodeCursor(query.cursor) : undefined;
    const rows = await documents.list(query.limit + 1, cursor);
    const items = rows.slice(0, query.limit);
    const last = items[items.length - 1];
    res.json({
      items: items.map(presentSummary),
      nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    });
  });

  router.get("/:id", documentStatusHandler(deps));

  router.get("/:id/pages/:n", async (req, res) => {
    const { id, n } = parse(pageParams, req.params, () => notFound("page"));
    const row = await documents.findPage(id, n);
    if (!row) throw notFound("page, or it is not processed yet");
    const r = pageRow(row);
    if (r.kind === "skipped") {
      res.json({ number: row.number, detections: [], skipped: { reason: r.reason } });
      return;
    }
    const { page } = r;
    let result: unknown;
    try {
      result = JSON.parse((await store.get(page.jsonKey)).toString("utf8"));
    } catch (error) {
      if (error instanceof ObjectNotFound) throw notFound("page results in storage");
      throw error;
    }
    const [imageUrl, jsonUrl] = await Promise.all([store.url(page.imageKey), store.url(page.jsonKey)]);
    res.json({ ...(result as object), pointsPerPixel: 1 / page.scale, imageUrl, jsonUrl });
  });

  return router;
}
