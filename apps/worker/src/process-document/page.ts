import { performance } from "node:perf_hooks";
import { dpiOfScale, storageKeys, type PageLimitReason } from "@pagewise/core";
import type { ComputeSession, PageBudget } from "../compute/compute-pool";
import { ComputeLimitExceeded } from "../compute/errors";
import type { PageReply } from "../compute/protocol";
import type { PipelineContext } from "./context";
import { limitFailure, requestTimeoutMs } from "./deadline";

/** The configured budget: RENDER_DPI and MAX_PAGE_PIXELS, pdf.js' own image limit. */
export const normalBudget = (ctx: PipelineContext): PageBudget => ({ limits: { dpi: ctx.limits.dpi, maxPixels: ctx.limits.maxPixels } });

/**
 * The compute child renders, detects and annotates one page, within the page's (and the document's) time limit and
 * the child's memory ceiling. A page that crosses one fails with ComputeLimitExceeded (see limited-page.ts); a limit
 * crossed while the child re-opens the document (after a kill) fails the document.
 */
export async function computePage(
  ctx: PipelineContext,
  session: ComputeSession,
  number: number,
  after?: Promise<unknown>,
  budget: PageBudget = normalBudget(ctx),
): Promise<PageReply> {
  try {
    return await session.page(number, budget, requestTimeoutMs(ctx), after);
  } catch (error) {
    if (error instanceof ComputeLimitExceeded && error.request === "open") throw limitFailure(error, `opening the document for page ${number}`);
    throw error;
  }
}

/**
 * Then this process uploads the PNG and JSON (deterministic keys: a re-run overwrites) and upserts the page row,
 * which advances pagesDone (the checkpoint). A page processed at the reduced budget says so in its JSON and row.
 */
export async function storePage(
  ctx: PipelineContext,
  reply: PageReply,
  number: number,
  of: number,
  degraded?: PageLimitReason,
): Promise<"stored" | "deleted"> {
  const imageKey = storageKeys.pageImage(ctx.documentId, number);
  const jsonKey = storageKeys.pageJson(ctx.documentId, number);
  const png = Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength);
  const result = degraded ? { ...reply.result, degraded: { reason: degraded, dpi: dpiOfScale(reply.result.scale) } } : reply.result;
  let uploadMs = 0;
  const upload = async () => {
    const t0 = performance.now();
    await Promise.all([
      ctx.store.put(imageKey, png, "image/png"),
      ctx.store.put(jsonKey, Buffer.from(JSON.stringify(result)), "application/json"),
    ]);
    uploadMs = performance.now() - t0;
  };
  const page = {
    number,
    width: result.width,
    height: result.height,
    scale: result.scale,
    detectionCount: result.detections.length,
    imageKey,
    jsonKey,
    get timings() {
      // read by the recording, after the upload measured it
      return { ...reply.timings, uploadMs };
    },
    degradedReason: degraded,
  };
  // Upload and record under the row's share lock: a DELETE waits for it, and a deleted document gets no object.
  if (!(await ctx.documents.recordPageExclusively(ctx.documentId, page, upload))) return "deleted";
  const timings = { ...reply.timings, uploadMs };
  const limited = degraded ? { outcome: "degraded" as const, reason: degraded } : undefined;
  await ctx.onPageDone({ page: number, of, detections: result.detections.length, timings, limited });
  return "stored";
}

/**
 * A page that could not be processed within the limits: a row without image or results (so pagesDone advances and
 * a resumed job carries on after it), and nothing in storage under its keys (an earlier attempt may have put some).
 */
export async function storeSkippedPage(ctx: PipelineContext, number: number, of: number, reason: PageLimitReason): Promise<"stored" | "deleted"> {
  const page = { number, width: null, height: null, scale: null, detectionCount: 0, imageKey: null, jsonKey: null, skippedReason: reason };
  const removeEarlier = async () => {
    await ctx.store.deletePrefix(`${storageKeys.pageImage(ctx.documentId, number).slice(0, -"png".length)}`);
  };
  if (!(await ctx.documents.recordPageExclusively(ctx.documentId, page, removeEarlier))) return "deleted";
  await ctx.onPageDone({ page: number, of, detections: 0, limited: { outcome: "skipped", reason } });
  return "stored";
}
