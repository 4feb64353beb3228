import fs from "node:fs/promises";
import type { ComputeSession } from "../compute/compute-pool";
import type { PageReply } from "../compute/protocol";
import { makeTempDir } from "../temp-dirs";
import type { PipelineContext } from "./context";
import { checkDocumentDeadline } from "./deadline";
import { Interrupted } from "./interrupted";
import { open } from "./open";
import { pageLimitOrThrow, retryLimitedPage, type ComputedPage } from "./limited-page";
import { computePage, storePage, storeSkippedPage } from "./page";
import { preflight } from "./preflight";

export type Outcome = "succeeded" | "skipped" | "cancelled";

/**
 * The ordered pipeline: claim → preflight → open → (render → detect → annotate → upload → record) per page →
 * finalize, with cleanup in `finally`. Pages already recorded (pagesDone) are not recomputed: a re-delivered or
 * resumed job carries on after the last recorded page. Between pages it honours the document's time limit,
 * cancellation (from any process, through Postgres) and worker shutdown.
 *
 * Pipelined: as soon as page n comes back from the compute child, page n+1 is requested (after the between-page
 * checks), and page n is uploaded and recorded while the child works on n+1. Pages are still recorded in order.
 * A page whose child was killed at a limit (memory ceiling, page time limit) is retried alone once the other page in
 * flight has settled (limited-page.ts): degraded, skipped, or the document fails, as PAGE_FAILURE_POLICY says.
 */
export async function processDocument(ctx: PipelineContext): Promise<Outcome> {
  const doc = await ctx.documents.claim(ctx.documentId, ctx.detectorId, ctx.limits.dpi);
  if (!doc) {
    ctx.log.info("document is finished or cancelled; nothing to do");
    return "skipped";
  }
  const workDir = makeTempDir("doc");
  let session: ComputeSession | undefined;
  try {
    const source = await preflight(ctx, doc, workDir);
    checkDocumentDeadline(ctx);
    session = ctx.compute.session(source.path, ctx.limits.maxPages, ctx.log, {
      ocr: doc.ocr,
      kind: source.kind,
      maxDeclaredPixels: ctx.limits.maxDeclaredPixels,
    });
    const numPages = await open(ctx, session);
    // Two pages in flight: page n+1 is requested before page n comes back, so the child renders it while the
    // detector works on n; page n is stored while the child works on n+1. Pages are recorded in order.
    const window: Array<Started> = [];
    let nextNumber = doc.pagesDone + 1;
    const fill = async () => {
      while (window.length < 2 && nextNumber <= numPages) {
        const started = await startPage(ctx, session!, nextNumber, window[window.length - 1]?.reply);
        if (started === "cancelled") return "cancelled" as const;
        window.push(started);
        nextNumber += 1;
      }
      return "ok" as const;
    };
    let cancelled = (await fill()) === "cancelled";
    while (window.length > 0) {
      const { number, reply } = window.shift() as Started;
      const computed = await reply.then(
        (value): ComputedPage => ({ reply: value }),
        async (error: unknown) => {
          const limit = pageLimitOrThrow(ctx, error, number);
          // The child was killed: the other page in flight was in it too. Let it settle (failed, or done in a fresh
          // child), so that this page's retries have the session to themselves; its own turn comes next.
          await Promise.allSettled(window.map((w) => w.reply));
          return retryLimitedPage(ctx, session!, number, limit);
        },
      );
      // Ask for the next page before storing this one; a stop (shutdown, time limit) still records this page first.
      const refill = cancelled ? Promise.resolve("cancelled" as const) : fill();
      refill.catch(() => undefined);
      const stored =
        "skipped" in computed
          ? await storeSkippedPage(ctx, number, numPages, computed.skipped)
          : await storePage(ctx, computed.reply, number, numPages, computed.degraded);
      if (stored === "deleted") {
        ctx.log.info("document deleted; stopping");
        await refill.catch(() => undefined);
        return "cancelled";
      }
      if ((await refill) === "cancelled") cancelled = true;
      if (cancelled && window.length === 0) break;
    }
    if (cancelled) {
      ctx.log.info("document cancelled; stopping");
      return "cancelled";
    }
    if (await ctx.documents.markSucceeded(ctx.documentId)) ctx.log.info({ pages: numPages }, "document succeeded");
    return "succeeded";
  } finally {
    await session?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The between-page checks (shutdown, time limit, cancellation from any process), then the page's computation.
 * A cancelled document starts no more pages.
 */
interface Started {
  number: number;
  reply: Promise<PageReply>;
}

async function startPage(ctx: PipelineContext, session: ComputeSession, number: number, after?: Promise<unknown>) {
  if (ctx.stopping()) throw new Interrupted(`shutting down before page ${number}`);
  checkDocumentDeadline(ctx);
  const status = await ctx.documents.statusOf(ctx.documentId);
  if (status === "cancelled" || status === undefined) return "cancelled" as const; // undefined: deleted
  const reply = computePage(ctx, session, number, after);
  reply.catch(() => undefined); // awaited in order; never an unhandled rejection if an earlier step fails first
  return { number, reply } satisfies Started;
}
