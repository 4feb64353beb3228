import { openPdf, type PdfDocument } from "@pagewise/pdf";
import type { PipelineContext } from "./context";

/** Opens the PDF (encrypted, corrupt, empty and over-long documents fail here) and records the real page count. */
export async function open(ctx: PipelineContext, bytes: Uint8Array): Promise<PdfDocument> {
  const pdf = await openPdf(bytes, { maxPages: ctx.limits.maxPages });
  await ctx.documents.setPageCount(ctx.documentId, pdf.numPages);
  return pdf;
}
