import { PermanentFailure } from "@pagewise/core";
import type { PDFDocumentProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { boundedCanvasFactory } from "./canvas-factory";
import { FileSource } from "./file-source";
import { loadPdfjs, pdfjsAssetUrls } from "./load-pdfjs";
import { type PdfDocument, PdfjsDocument } from "./pdf-document";

export interface OpenPdfOptions {
  maxPages: number;
  /**
   * Embedded images with more pixels than this are left out of the render (pdf.js's maxImageSize): pdf.js decodes
   * each image onto a canvas at full size, and a 35000 x 35000 px scan cannot get one. Default 100 Mpx (a 10000 px
   * square image needs 400 MB while it is drawn).
   */
  maxImagePixels?: number;
}

const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

/**
 * Bytes pdf.js asks for at a time from a file. Its default (64 KB) suits the network; on local disk a larger chunk
 * means fewer reads for the same parse, and a chunk is what pdf.js keeps of a region it touched.
 */
const RANGE_CHUNK_BYTES = 256 * 1024;

/**
 * Parse a PDF: a path (read by range, never whole: see FileSource) or the bytes. Throws PermanentFailure:
 * empty_file, pdf_encrypted (a user password is needed), pdf_corrupt (anything pdf.js cannot parse), no_pages,
 * too_many_pages. The page count is pdf.js's, which follows the page tree's real kids rather than a /Count that
 * lies.
 */
export async function openPdf(source: string | Uint8Array, options: OpenPdfOptions): Promise<PdfDocument> {
  const pdfjs = await loadPdfjs();
  const { createCanvas } = await import("@napi-rs/canvas");
  const common = {
    ...pdfjsAssetUrls(),
    cMapPacked: true,
    isEvalSupported: false,
    maxImageSize: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
    CanvasFactory: boundedCanvasFactory(createCanvas),
    verbosity: 0,
  };
  if (typeof source !== "string") {
    if (source.length === 0) throw new PermanentFailure("empty_file");
    // A private copy: pdf.js may take ownership of the buffer, and rejects Buffer.
    const doc = await load(pdfjs.getDocument({ ...common, data: new Uint8Array(source) }), options);
    return new PdfjsDocument(doc, createCanvas);
  }
  const file = await FileSource.open(source);
  try {
    if (file.length === 0) throw new PermanentFailure("empty_file");
    const open = () =>
      load(
        pdfjs.getDocument({ ...common, range: file.transport(pdfjs), rangeChunkSize: RANGE_CHUNK_BYTES, disableAutoFetch: true, disableStream: true }),
        options,
      );
    return new PdfjsDocument(await open(), createCanvas, { file, reopen: open });
  } catch (error) {
    await file.close();
    throw error;
  }
}

async function load(task: ReturnType<Awaited<ReturnType<typeof loadPdfjs>>["getDocument"]>, options: OpenPdfOptions): Promise<PDFDocumentProxy> {
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (error) {
    await task.destroy().catch(() => undefined);
    throw openFailure(error);
  }
  const numPages = doc.numPages;
  if (numPages < 1 || numPages > options.maxPages) {
    await doc.destroy();
    throw numPages < 1
      ? new PermanentFailure("no_pages")
      : new PermanentFailure("too_many_pages", `The PDF has ${numPages} pages; the limit is ${options.maxPages}.`);
  }
  return doc;
}

function openFailure(error: unknown): PermanentFailure {
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") return new PermanentFailure("pdf_encrypted", undefined, { cause: error });
  return new PermanentFailure("pdf_corrupt", `pdf.js could not parse the file: ${detail}`, { cause: error });
}
