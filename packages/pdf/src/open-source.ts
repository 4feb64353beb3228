import fs from "node:fs/promises";
import { PermanentFailure, SNIFF_BYTES, sourceKindOrCode, type SourceKind } from "@pagewise/core";
import { ImageDocument } from "./image-document";
import { openPdf, type OpenPdfOptions } from "./open-pdf";
import type { PdfDocument } from "./pdf-document";

export interface OpenSourceOptions extends OpenPdfOptions {
  /** An image (or TIFF frame) declaring more pixels than this is refused before decoding (`image_too_large`). */
  maxDeclaredPixels: number;
}

/** Opens a source file as a document of pages: pdf.js for a PDF, ImageDocument for an image or a TIFF's frames. */
export function openSource(path: string, kind: SourceKind, options: OpenSourceOptions): Promise<PdfDocument> {
  if (kind === "pdf") return openPdf(path, options);
  return ImageDocument.open(path, kind, options);
}

/** What a local file is, by its first bytes (empty_file / not_pdf otherwise): for callers that did not sniff it. */
export async function sourceKindOf(path: string): Promise<SourceKind> {
  const handle = await fs.open(path, "r");
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    const { kind, code } = sourceKindOrCode(head.subarray(0, bytesRead));
    if (code) throw new PermanentFailure(code);
    return kind;
  } finally {
    await handle.close();
  }
}
