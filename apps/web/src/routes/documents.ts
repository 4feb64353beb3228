import { Router } from "express";
import { z } from "zod";
import { ObjectNotFound } from "@pagewise/storage";
import type { AppDeps } from "../deps";
import { HttpError, notFound } from "../http-error";
import { pageRow, presentSummary } from "../presenters";
import { parse } from "../validate";
import { createDocumentHandlers } from "./create-document";
import { documentStatusHandler } from "./document-status";
import { documentActionsRouter } from "./document-actions";
import { exportRouter } from "./export";
import { listQuery, pageParams } from "../api-schemas";

const encodeCursor = (createdAt: Date, id: string) =>
  Buffer.from(`${createdAt.toISOString()}|${id}`).toString("base64url");
function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [iso, id] = Buffer.from(cursor, "base64url").toString().split("|");
  const createdAt = new Date(iso ?? "");
  if (Number.isNaN(createdAt.getTime()) || !z.uuid().safeParse(id).success)
    throw new HttpError(400, "bad_cursor", "The cursor is not valid.");
  return { createdAt, id: id as string };
}

export function documentsRouter(deps: AppDeps): Router {
  const { documents, store } = deps;
  const router = Router();
  router.post("/", ...createDocumentHandlers(deps));
  router.use(documentActionsRouter(deps));
  router.use(exportRouter(deps));

  router.get("/", async (req, res) => {
    const query = parse(listQuery, req.query, () => new HttpError(400, "bad_query", "limit must be 1 to 100."));
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
    const { id, n } = parse(pageParams, req.params, () => notFound("No such page."));
    const row = await documents.findPage(id, n);
    if (!row) throw notFound("No such page, or it is not processed yet.");
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
      if (error instanceof ObjectNotFound) throw notFound("The page's results are missing from storage.");
      throw error;
    }
    const [imageUrl, jsonUrl] = await Promise.all([store.url(page.imageKey), store.url(page.jsonKey)]);
    res.json({ ...(result as object), pointsPerPixel: 1 / page.scale, imageUrl, jsonUrl });
  });

  return router;
}
