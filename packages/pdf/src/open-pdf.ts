import { PermanentFailure } from "@pagewise/core";
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

export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

/**
 * Parse a PDF. Throws PermanentFailure: empty_file, pdf_encrypted (a user password is needed), pdf_corrupt
 * (anything pdf.js cannot parse), no_pages, too_many_pages. The page count is pdf.js's, which follows the page
 * tree's real kids rather than a /Count that lies.
 */
export async function openPdf(data: Uint8Array, options: OpenPdfOptions): Promise<PdfDocument> {
  if (data.length === 0) throw new PermanentFailure("empty_file");
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(data), // a private copy: pdf.js may take ownership of the buffer, and rejects Buffer
    ...pdfjsAssetUrls(),
    cMapPacked: true,
    isEvalSupported: false,
    maxImageSize: options.maxImagePixels ?? DEFAULT_MAX_IMAGE_PIXELS,
    verbosity: 0,
  });
  let doc: Awaited<typeof task.promise>;
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
  return new PdfjsDocument(doc);
}

function openFailure(error: unknown): PermanentFailure {
  const name = error instanceof Error ? error.name : "";
  const detail = error instanceof Error ? error.message : String(error);
  if (name === "PasswordException") return new PermanentFailure("pdf_encrypted", undefined, { cause: error });
  return new PermanentFailure("pdf_corrupt", `pdf.js could not parse the file: ${detail}`, { cause: error });
}
