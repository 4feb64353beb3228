import { performance } from "node:perf_hooks";
import { storageKeys } from "@pagewise/core";
import type { ComputeSession } from "../compute/compute-pool";
import type { PageReply } from "../compute/protocol";
import type { PipelineContext } from "./context";
import { pageDeadline, requestTimeoutMs } from "./deadline";

/** The compute child renders, detects and annotates one page, within the page's (and the document's) time limit. */
export function computePage(ctx: PipelineContext, session: ComputeSession, number: number, after?: Promise<unknown>): Promise<PageReply> {
  return pageDeadline(ctx, `page ${number}`, () => session.page(number, ctx.limits, requestTimeoutMs(ctx), after));
}

/**
 * Then this process uploads the PNG and JSON (deterministic keys: a re-run overwrites) and upserts the page row,
 * which advances pagesDone (the checkpoint).
 */
export async function storePage(ctx: PipelineContext, reply: PageReply, number: number, of: number): Promise<void> {
  const t0 = performance.now();
  const imageKey = storageKeys.pageImage(ctx.documentId, number);
  const jsonKey = storageKeys.pageJson(ctx.documentId, number);
  const png = Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength);
  await Promise.all([
    ctx.store.put(imageKey, png, "image/png"),
    ctx.store.put(jsonKey, Buffer.from(JSON.stringify(reply.result)), "application/json"),
  ]);
  const uploadMs = performance.now() - t0;
  const timings = { ...reply.timings, uploadMs };
  await ctx.documents.recordPage(ctx.documentId, {
    number,
    width: reply.result.width,
    height: reply.result.height,
    scale: reply.result.scale,
    detectionCount: reply.result.detections.length,
    imageKey,
    jsonKey,
    timings,
  });
  await ctx.onPageDone({ page: number, of, detections: reply.result.detections.length, timings });
}
