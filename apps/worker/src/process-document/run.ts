import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { ComputeSession } from "../compute/compute-pool";
import type { PipelineContext } from "./context";
import { checkDocumentDeadline } from "./deadline";
import { Interrupted } from "./interrupted";
import { open } from "./open";
import { processPage } from "./page";
import { preflight } from "./preflight";

export type Outcome = "succeeded" | "skipped" | "cancelled";

/**
 * The ordered pipeline: claim → preflight → open → (render → detect → annotate → upload → record) per page →
 * finalize, with cleanup in `finally`. Pages already recorded (pagesDone) are not recomputed: a re-delivered or
 * resumed job carries on after the last recorded page. Between pages it honours the document's time limit,
 * cancellation (from any process, through Postgres) and worker shutdown.
 */
export async function processDocument(ctx: PipelineContext): Promise<Outcome> {
  const doc = await ctx.documents.claim(ctx.documentId, ctx.detectorId);
  if (!doc) {
    ctx.log.info("document is finished or cancelled; nothing to do");
    return "skipped";
  }
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "pagewise-doc-"));
  let session: ComputeSession | undefined;
  try {
    const pdfPath = await preflight(ctx, doc, workDir);
    checkDocumentDeadline(ctx);
    session = ctx.compute.session(pdfPath, ctx.limits.maxPages, ctx.log, { ocr: doc.ocr });
    const numPages = await open(ctx, session);
    for (let number = doc.pagesDone + 1; number <= numPages; number++) {
      if (ctx.stopping()) throw new Interrupted(`shutting down before page ${number}`);
      checkDocumentDeadline(ctx);
      if ((await ctx.documents.statusOf(ctx.documentId)) === "cancelled") {
        ctx.log.info({ pagesDone: number - 1 }, "document cancelled; stopping");
        return "cancelled";
      }
      await processPage(ctx, session, number, numPages);
    }
    if (await ctx.documents.markSucceeded(ctx.documentId)) ctx.log.info({ pages: numPages }, "document succeeded");
    return "succeeded";
  } finally {
    await session?.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}
