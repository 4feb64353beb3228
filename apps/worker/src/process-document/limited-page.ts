import { PermanentFailure, type PageLimitReason } from "@pagewise/core";
import type { RenderLimits } from "@pagewise/pdf";
import type { ComputeSession, PageBudget } from "../compute/compute-pool";
import { ComputeLimitExceeded } from "../compute/errors";
import type { PageReply } from "../compute/protocol";
import type { PipelineContext } from "./context";
import { checkDocumentDeadline, limitFailure } from "./deadline";
import { Interrupted } from "./interrupted";
import { computePage, normalBudget } from "./page";

/** A page's end: its reply (at the reduced budget when `degraded` says why), or skipped for a reason. */
export type ComputedPage = { reply: PageReply; degraded?: PageLimitReason } | { skipped: PageLimitReason };

/** The reduced budget renders at this share of RENDER_DPI (a quarter of the pixels, MAX_PAGE_PIXELS quartered too). */
const DEGRADED_SCALE = 0.5;

/**
 * ... and leaves out embedded images above this many pixels (pdf.js' maxImageSize; the default keeps images up to
 * 100 Mpx): a 300 dpi scan of an A4, letter or legal page (8.7-10.7 Mpx) is still drawn, larger ones are not.
 */
export const DEGRADED_MAX_IMAGE_PIXELS = 12_000_000;

export function degradedBudget(limits: RenderLimits): PageBudget {
  return {
    limits: { dpi: limits.dpi * DEGRADED_SCALE, maxPixels: Math.max(1, Math.floor(limits.maxPixels * DEGRADED_SCALE ** 2)) },
    maxImagePixels: DEGRADED_MAX_IMAGE_PIXELS,
  };
}

/**
 * What a failed page request means for the page: a limit it crossed (returned), or a failure of the document
 * (thrown): anything that is not a limit, a limit crossed while re-opening the document, or the document's own time
 * limit running out (its page requests are cut short to it).
 */
export function pageLimitOrThrow(ctx: PipelineContext, error: unknown, number: number): ComputeLimitExceeded {
  if (!(error instanceof ComputeLimitExceeded)) throw error;
  if (error.request !== "page") throw limitFailure(error, `opening the document for page ${number}`);
  if (error.limit === "timeout" && Date.now() >= ctx.limits.deadline) {
    throw new PermanentFailure("timeout", "document time limit reached", { cause: error });
  }
  return error;
}

/**
 * A page whose compute child was killed at a limit (its memory ceiling or the page time limit), retried alone:
 * 1. When another page was in the child too (two are pipelined), either may have crossed the limit: this one runs
 *    again alone, at its normal budget, so a page is never degraded for its neighbour.
 * 2. Alone and still over: with PAGE_FAILURE_POLICY=fail the document fails (`memory_limit`, `timeout`); by default
 *    the page runs once more in a fresh child at the reduced budget (half the dpi, large images left out)...
 * 3. ...and is skipped if it crosses a limit there too.
 * Each try is a fresh child: the one that crossed the limit was killed.
 */
export async function retryLimitedPage(ctx: PipelineContext, session: ComputeSession, number: number, error: ComputeLimitExceeded): Promise<ComputedPage> {
  let failure = error;
  if (failure.shared) {
    ctx.log.info({ page: number, limit: failure.limit }, "compute child killed with two pages in it; running this page again alone");
    const alone = await attempt(ctx, session, number, normalBudget(ctx));
    if ("reply" in alone) return { reply: alone.reply };
    failure = alone.failure;
  }
  if (ctx.limits.pageFailurePolicy === "fail") throw limitFailure(failure, `page ${number}`);
  ctx.log.warn({ page: number, limit: failure.limit, detail: failure.message }, "page crossed a limit; retrying it at a reduced budget");
  const degraded = await attempt(ctx, session, number, degradedBudget(ctx.limits));
  if ("reply" in degraded) return { reply: degraded.reply, degraded: failure.limit };
  ctx.log.warn({ page: number, limit: degraded.failure.limit, detail: degraded.failure.message }, "page crossed a limit at the reduced budget too; skipping it");
  return { skipped: degraded.failure.limit };
}

async function attempt(
  ctx: PipelineContext,
  session: ComputeSession,
  number: number,
  budget: PageBudget,
): Promise<{ reply: PageReply } | { failure: ComputeLimitExceeded }> {
  if (ctx.stopping()) throw new Interrupted(`shutting down before retrying page ${number}`);
  checkDocumentDeadline(ctx);
  try {
    return { reply: await computePage(ctx, session, number, undefined, budget) };
  } catch (error) {
    return { failure: pageLimitOrThrow(ctx, error, number) };
  }
}
