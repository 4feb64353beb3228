import { PermanentFailure, sniffPdf } from "@pagewise/core";
import type { Document } from "@pagewise/db";
import { ObjectNotFound } from "@pagewise/storage";
import type { PipelineContext } from "./context";

/** Fetches the source PDF and checks what can be told from the bytes before pdf.js sees them. */
export async function preflight(ctx: PipelineContext, doc: Document): Promise<Uint8Array> {
  const head = await ctx.store.head(doc.sourceKey);
  if (!head) throw new PermanentFailure("source_missing", `no object at ${doc.sourceKey}`);
  if (head.size > ctx.limits.maxSourceBytes) throw new PermanentFailure("file_too_large", `${head.size} bytes`);
  let bytes: Buffer;
  try {
    bytes = await ctx.store.get(doc.sourceKey);
  } catch (error) {
    if (error instanceof ObjectNotFound) throw new PermanentFailure("source_missing", `no object at ${doc.sourceKey}`);
    throw error;
  }
  const kind = sniffPdf(bytes);
  if (kind === "empty") throw new PermanentFailure("empty_file");
  if (kind === "not_pdf") throw new PermanentFailure("not_pdf");
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
