import { performance } from "node:perf_hooks";
import { storageKeys, type PageResult } from "@pagewise/core";
import type { PdfDocument } from "@pagewise/pdf";
import type { PipelineContext } from "./context";

/**
 * One page: render → detect → annotate → upload → record. Only this page's raster is in memory, and it is
 * released in `finally`. Storage keys are deterministic and the row is an upsert, so a re-run overwrites.
 */
export async function processPage(ctx: PipelineContext, pdf: PdfDocument, number: number): Promise<void> {
  const t0 = performance.now();
  const page = await pdf.renderPage(number, ctx.limits);
  try {
    const t1 = performance.now();
    const detector = await ctx.detector();
    const detections = await detector.detect(page.image());
    const t2 = performance.now();
    page.annotate(detections);
    const png = await page.toPng();
    const t3 = performance.now();
    const result: PageResult = {
      number,
      width: page.width,
      height: page.height,
      scale: page.scale,
      rotation: page.rotation,
      detector: detector.id,
      detections,
    };
    const imageKey = storageKeys.pageImage(ctx.documentId, number);
    const jsonKey = storageKeys.pageJson(ctx.documentId, number);
    await Promise.all([
      ctx.store.put(imageKey, png, "image/png"),
      ctx.store.put(jsonKey, Buffer.from(JSON.stringify(result)), "application/json"),
    ]);
    await ctx.documents.recordPage(ctx.documentId, {
      number,
      width: page.width,
      height: page.height,
      scale: page.scale,
      detectionCount: detections.length,
      imageKey,
      jsonKey,
    });
    const t4 = performance.now();
    ctx.log.debug(
      {
        page: number,
        detections: detections.length,
        renderMs: Math.round(t1 - t0),
        inferenceMs: Math.round(t2 - t1),
        annotateMs: Math.round(t3 - t2),
        uploadMs: Math.round(t4 - t3),
      },
      "page done",
    );
  } finally {
    page.release();
  }
}
