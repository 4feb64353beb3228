import fs from "node:fs/promises";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { notPdfCode, PermanentFailure, SNIFF_BYTES } from "@pagewise/core";
import type { Document } from "@pagewise/db/progress";
import { ObjectNotFound } from "@pagewise/storage";
import type { PipelineContext } from "./context";

/**
 * Streams the source PDF from storage to a local file (never the whole file in this process's memory) and checks
 * what can be told from the bytes before pdf.js sees them. Returns the file's path.
 */
export async function preflight(ctx: PipelineContext, doc: Document, workDir: string): Promise<string> {
  const head = await ctx.store.head(doc.sourceKey);
  if (!head) throw new PermanentFailure("source_missing", `no object at ${doc.sourceKey}`);
  if (head.size > ctx.limits.maxSourceBytes) throw new PermanentFailure("file_too_large", `${head.size} bytes`);
  const file = path.join(workDir, "source.pdf");
  try {
    const { stream } = await ctx.store.getStream(doc.sourceKey);
    await pipeline(stream, createWriteStream(file));
  } catch (error) {
    if (error instanceof ObjectNotFound) throw new PermanentFailure("source_missing", `no object at ${doc.sourceKey}`);
    throw error;
  }
  const handle = await fs.open(file, "r");
  try {
    const bytes = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, SNIFF_BYTES, 0);
    const code = notPdfCode(bytes.subarray(0, bytesRead));
    if (code) throw new PermanentFailure(code);
  } finally {
    await handle.close();
  }
  return file;
}
