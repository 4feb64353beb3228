import fs from "node:fs/promises";
import type { ComputeSession } from "../compute/compute-pool";
import type { PageReply } from "../compute/protocol";
import { makeTempDir } from "../temp-dirs";
import { isUnfinished, type Document } from "@pagewise/db/progress";
import type { PipelineContext, Splitting } from "./context";
import { checkDocumentDeadline } from "./deadline";
import { Interrupted } from "./interrupted";
import { open } from "./open";
import { pageLimitOrThrow, retryLimitedPage, type ComputedPage } from "./limited-page";
import { computePage, storePage, storeSkippedPage } from "./page";
import { preflight } from "./preflight";
import { missingPages, pageRanges, pendingRanges, type PageRange } from "./ranges";

export type Outcome = "succeeded" | "skipped" | "cancelled" | "split";

/**
 * The ordered pipeline: claim → preflight → open → (render → detect → annotate → upload → record) per page →
 * finalize, with cleanup in `finally`. Pages already recorded are not recomputed: a re-delivered or resumed job
 * carries on with the pages that have no row yet. Between pages it honours the document's time limit,
 * cancellation (from any process, through Postgres) and worker shutdown.
 *
 * A document with more than SPLIT_PAGES pages (`ctx.split`) is not processed here: its ranges that still have pages
 * to do become child jobs (`processRange`, any worker) and this job waits for them ("split"); when they have all
 * ended, BullMQ runs it again and it finalises the document (docs/splitting.md).
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
  const { split } = ctx;
  // A split document's job runs again once its ranges have ended: the page count is known, the source need not be
  // fetched again to finalise it.
  if (split && doc.pageCount !== null && doc.pageCount > split.pages) return waitForRanges(ctx, split, doc.pageCount);
  const result = await withSource(ctx, doc, async (session, numPages): Promise<{ split: number } | { numPages: number; pages: "done" | "stopped" }> => {
    await ctx.documents.setPageCount(ctx.documentId, numPages);
    if (split && numPages > split.pages) return { split: numPages };
    const recorded = await ctx.documents.recordedPages(ctx.documentId, 1, numPages);
    return { numPages, pages: await processPages(ctx, session, missingPages(1, numPages, recorded), numPages) };
  });
  if ("split" in result) return waitForRanges(ctx, split as Splitting, result.split);
  if (result.pages === "stopped") {
    ctx.log.info("document cancelled; stopping");
    return "cancelled";
  }
  if (await ctx.documents.markSucceeded(ctx.documentId)) ctx.log.info({ pages: result.numPages }, "document succeeded");
  return "succeeded";
}

/**
 * One range of a split document (a `process-range` job): the same steps on the range's pages that have no row yet,
 * with the source read from storage into a temp file of its own and opened by range in the compute child (no
 * worker needs the whole document in memory). It neither claims nor finalises the document: its parent does.
 */
export async function processRange(ctx: PipelineContext, range: PageRange): Promise<"done" | "cancelled"> {
  const doc = await ctx.documents.read(ctx.documentId);
  if (!doc || !isUnfinished(doc.status)) {
    ctx.log.info({ status: doc?.status ?? "deleted" }, "document is finished, cancelled or gone; range not processed");
    return "cancelled";
  }
  const recorded = await ctx.documents.recordedPages(ctx.documentId, range.first, range.last);
  const todo = missingPages(range.first, range.last, recorded);
  if (todo.length === 0) return "done";
  const outcome = await withSource(ctx, doc, async (session, numPages) => {
    const pages = todo.filter((n) => n <= numPages);
    return processPages(ctx, session, pages, numPages);
  });
  if (outcome === "stopped") {
    ctx.log.info({ range }, "document cancelled; stopping"); // or failed by another range, or deleted
    return "cancelled";
  }
  ctx.log.info({ range, pages: todo.length }, "range done");
  return "done";
}

/**
 * The split document's ranges that still have pages to do become child jobs, and this job waits for them. Once none
 * has a page to do, the document has succeeded. Ranges that ended while they were being added are seen at once
 * (a second look); pages still missing after that are an error (BullMQ retries the job, which adds their ranges
 * again: range jobs that completed are removed, so their ids are free).
 */
async function waitForRanges(ctx: PipelineContext, split: Splitting, numPages: number): Promise<Outcome> {
  const ranges = pageRanges(numPages, split.pages);
  for (let look = 0; look < 2; look++) {
    const pending = pendingRanges(ranges, await ctx.documents.recordedPages(ctx.documentId, 1, numPages));
    if (pending.length === 0) {
      if (await ctx.documents.markSucceeded(ctx.documentId)) ctx.log.info({ pages: numPages, ranges: ranges.length }, "document succeeded");
      return "succeeded";
    }
    if (!isUnfinished(await ctx.documents.statusOf(ctx.documentId))) return "cancelled";
    checkDocumentDeadline(ctx);
    if (await split.waitFor(pending, ctx.limits.deadline)) {
      ctx.log.info({ pages: numPages, ranges: ranges.length, pending: pending.length }, "document split into page ranges");
      return "split";
    }
  }
  throw new Error("the document's page ranges ended with pages still missing");
}

/**
 * Fetches the source into a temp file (preflight: size, magic bytes, its hash), opens it in a compute child and runs
 * `use` on it; the document is closed in the child and the file removed however `use` ends.
 */
async function withSource<T>(ctx: PipelineContext, doc: Document, use: (session: ComputeSession, numPages: number) => Promise<T>): Promise<T> {
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
    return await use(session, await open(ctx, session));
  } finally {
    await session?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

/**
 * Computes and records `pages` (ascending) of a document of `numPages` pages, two in flight. "stopped": the
 * document was cancelled, failed elsewhere or deleted, and no more pages were started.
 */
async function processPages(ctx: PipelineContext, session: ComputeSession, pages: readonly number[], numPages: number): Promise<"done" | "stopped"> {
  // Two pages in flight: page n+1 is requested before page n comes back, so the child renders it while the
  // detector works on n; page n is stored while the child works on n+1. Pages are recorded in order.
  const window: Array<Started> = [];
  let next = 0;
  const fill = async () => {
    while (window.length < 2 && next < pages.length) {
      const started = await startPage(ctx, session, pages[next] as number, window[window.length - 1]?.reply);
      if (started === "stopped") return "stopped" as const;
      window.push(started);
      next += 1;
    }
    return "ok" as const;
  };
  let stopped = (await fill()) === "stopped";
  while (window.length > 0) {
    const { number, reply } = window.shift() as Started;
    const computed = await reply.then(
      (value): ComputedPage => ({ reply: value }),
      async (error: unknown) => {
        const limit = pageLimitOrThrow(ctx, error, number);
        // The child was killed: the other page in flight was in it too. Let it settle (failed, or done in a fresh
        // child), so that this page's retries have the session to themselves; its own turn comes next.
        await Promise.allSettled(window.map((w) => w.reply));
        return retryLimitedPage(ctx, session, number, limit);
      },
    );
    // Ask for the next page before storing this one; a stop (shutdown, time limit) still records this page first.
    const refill = stopped ? Promise.resolve("stopped" as const) : fill();
    refill.catch(() => undefined);
    const stored =
      "skipped" in computed
        ? await storeSkippedPage(ctx, number, numPages, computed.skipped)
        : await storePage(ctx, computed.reply, number, numPages, computed.degraded);
    if (stored === "deleted") {
      ctx.log.info("document deleted; stopping");
      await refill.catch(() => undefined);
      return "stopped";
    }
    if ((await refill) === "stopped") stopped = true;
    if (stopped && window.length === 0) break;
  }
  return stopped ? "stopped" : "done";
}

interface Started {
  number: number;
  reply: Promise<PageReply>;
}

/**
 * The between-page checks (shutdown, time limit, cancellation from any process), then the page's computation.
 * A document that is no longer queued or processing starts no more pages: cancelled, deleted (no row), or failed by
 * another range of the same document.
 */
async function startPage(ctx: PipelineContext, session: ComputeSession, number: number, after?: Promise<unknown>) {
  if (ctx.stopping()) throw new Interrupted(`shutting down before page ${number}`);
  checkDocumentDeadline(ctx);
  if (!isUnfinished(await ctx.documents.statusOf(ctx.documentId))) return "stopped" as const;
  const reply = computePage(ctx, session, number, after);
  reply.catch(() => undefined); // awaited in order; never an unhandled rejection if an earlier step fails first
  return { number, reply } satisfies Started;
}
