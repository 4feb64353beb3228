import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import { createWriteStream } from "node:fs";
import path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PermanentFailure, SNIFF_BYTES, sourceKindOrCode, type SourceKind } from "@pagewise/core";
import type { Document } from "@pagewise/db/progress";
import { ObjectNotFound } from "@pagewise/storage";
import type { PipelineContext } from "./context";

/**
 * Streams the source from storage to a local file (never the whole file in this process's memory), hashing it on
 * the way when the upload did not, and checks what can be told from the bytes before pdf.js or an image decoder
 * sees them. Returns the file's path and what it is (PDF or an image format, by its first bytes).
 */
export async function preflight(ctx: PipelineContext, doc: Document, workDir: string): Promise<{ path: string; kind: SourceKind }> {
  const head = await ctx.store.head(doc.sourceKey);
  if (!head) throw new PermanentFailure("source_missing", `no object at ${doc.sourceKey}`);
  if (head.size > ctx.limits.maxSourceBytes) throw new PermanentFailure("file_too_large", `${head.size} bytes`);
  const file = path.join(workDir, "source.pdf");
  try {
    const { stream } = await ctx.store.getStream(doc.sourceKey);
    const hash = doc.sourceSha256 ? undefined : createHash("sha256");
    const tap = new Transform({ transform: (chunk: Buffer, _encoding, done) => (hash?.update(chunk), done(null, chunk)) });
    await pipeline(stream, tap, createWriteStream(file));
    if (hash) await ctx.documents.setSourceSha256(doc.id, hash.digest("hex"));
  } catch (error) {
    if (error instanceof ObjectNotFound) throw new PermanentFailure("source_missing", `no object at ${doc.sourceKey}`);
    throw error;
  }
  const handle = await fs.open(file, "r");
  try {
    const bytes = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, SNIFF_BYTES, 0);
    const { kind, code } = sourceKindOrCode(bytes.subarray(0, bytesRead));
    if (code) throw new PermanentFailure(code);
    return { path: file, kind };
  } finally {
    await handle.close();
  }
}
