import { PermanentFailure } from "@pagewise/core";
import type { PdfDocument } from "@pagewise/pdf";
import type { PipelineContext } from "./context";
import { open } from "./open";
import { processPage } from "./page";
import { preflight } from "./preflight";

export type Outcome = "succeeded" | "skipped";

function checkDeadline(ctx: PipelineContext): void {
  if (Date.now() > ctx.limits.deadline) throw new PermanentFailure("timeout", "document time limit reached");
}

/**
 * The ordered pipeline: claim → preflight → open → (render → detect → annotate → upload) per page → finalize,
 * with cleanup in `finally`. Pages already recorded (pagesDone) are not recomputed: a re-delivered job resumes.
 */
export async function processDocument(ctx: PipelineContext): Promise<Outcome> {
  const doc = await ctx.documents.claim(ctx.documentId, ctx.detectorId);
  if (!doc) {
    ctx.log.info("document is finished or cancelled; nothing to do");
    return "skipped";
  }
  let pdf: PdfDocument | undefined;
  try {
    const bytes = await preflight(ctx, doc);
    checkDeadline(ctx);
    pdf = await open(ctx, bytes);
    for (let number = doc.pagesDone + 1; number <= pdf.numPages; number++) {
      checkDeadline(ctx);
      await processPage(ctx, pdf, number);
      await ctx.reportProgress({ page: number, of: pdf.numPages });
    }
    await ctx.documents.markSucceeded(ctx.documentId);
    ctx.log.info({ pages: pdf.numPages }, "document succeeded");
    return "succeeded";
  } finally {
    await pdf?.destroy();
  }
}
