import { Router } from "express";
import { z } from "zod";
import type { PageResult, SkippedPage } from "@pagewise/core";
import type { Page } from "@pagewise/db";
import { ObjectNotFound, type ObjectStore } from "@pagewise/storage";
import { pageResultSchema } from "../api-schemas";
import type { WebDeps } from "../deps";
import { CocoCategories, cocoImages, pageAnnotations } from "../export/coco";
import { streamPages } from "../export/stream-pages";
import { apiError, notFound } from "../http-error";
import { pageRow, presentSummary } from "../presenters";
import { parse } from "../validate";
import { findOr404 } from "./find-document";

export const exportQuery = z.object({
  format: z.enum(["json", "coco"]).default("json").describe("json: the document and every page's result; coco: COCO detection format"),
  partial: z.stringbool().default(false).describe("true: export the pages finished so far of a document that has not succeeded"),
});

/** A page's result from storage, or the skipped page as its row says (nothing is stored for it). */
async function readPage(store: ObjectStore, row: Page): Promise<PageResult | SkippedPage> {
  const r = pageRow(row);
  if (r.kind === "skipped") return { number: row.number, detections: [], skipped: { reason: r.reason } };
  const { page } = r;
  try {
    return pageResultSchema.parse(JSON.parse((await store.get(page.jsonKey)).toString("utf8")));
  } catch (error) {
    if (error instanceof ObjectNotFound) throw notFound(`page ${page.number} results in storage`);
    throw error;
  }
}

/**
 * GET /api/documents/{id}/export?format=json|coco[&partial=true]. A document that has not succeeded answers 409
 * `not_finished` unless partial=true, which exports the pages done so far and says so (`partial: true`).
 */
export function exportRouter(deps: WebDeps): Router {
  const router = Router();
  router.get("/:id/export", async (req, res) => {
    const doc = await findOr404(deps.documents, req.params.id);
    const query = parse(exportQuery, req.query, () => apiError("bad_query", { rule: 'format is "json" or "coco", partial "true" or "false"' }));
    const partial = doc.status !== "succeeded";
    if (partial && !query.partial) {
      throw apiError("not_finished", { status: doc.status });
    }
    const name = query.format === "coco" ? `${doc.id}.coco.json` : `${doc.id}.json`;
    res.status(200).type("application/json").set("Content-Disposition", `attachment; filename="${name}"`);
    const summary = { ...presentSummary(doc), partial };
    if (query.format === "json") {
      await streamPages(res, doc.pages, (row) => readPage(deps.store, row), {
        head: `{"document":${JSON.stringify(summary)},"pages":[`,
        page: (result, i) => (i ? "," : "") + JSON.stringify(result),
        tail: () => "]}",
      });
      return;
    }
    const categories = new CocoCategories();
    const { images, skippedPages } = cocoImages(doc.pages.map(pageRow));
    const info = { description: doc.title, version: "1.0", date_created: doc.createdAt.toISOString(), pagewise: { ...summary, skippedPages } };
    let nextId = 1;
    let written = 0;
    await streamPages(res, doc.pages, (row) => readPage(deps.store, row), {
      head: `{"info":${JSON.stringify(info)},"licenses":[],"images":${JSON.stringify(images)},"annotations":[`,
      page: (result) => {
        const annotations = pageAnnotations(result, nextId, categories);
        nextId += annotations.length;
        const part = annotations.map((a) => (written++ ? "," : "") + JSON.stringify(a)).join("");
        return part;
      },
      tail: () => `],"categories":${JSON.stringify(categories.list())}}`,
    });
  });
  return router;
}
