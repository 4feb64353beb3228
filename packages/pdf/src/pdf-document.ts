import { PermanentFailure } from "@pagewise/core";
import type { Canvas } from "@napi-rs/canvas";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { invertAffine } from "./affine";
import { boundedCanvas, markRaster } from "./canvas-factory";
import type { FileSource } from "./file-source";
import { setImagePixelBudget } from "./image-budget";
import { renderScale, pixelSize, type RenderLimits } from "./render-scale";
import { CanvasPage, freeCanvas, type RenderedPage } from "./rendered-page";
import { textItemBoxes, type TextBox } from "./text-boxes";

type RenderCanvas = Parameters<PDFPageProxy["render"]>[0]["canvas"];

export interface PdfDocument {
  readonly numPages: number;
  /**
   * Render a page upright as displayed (honours /Rotate) on a white background. At most `MAX_LIVE_PAGES` rendered
   * pages are kept: the page being detected and the next one, rendered ahead; an older unreleased page is released.
   */
  renderPage(pageNumber: number, limits: RenderLimits): Promise<RenderedPage>;
  /** Non-blank text items, in the pixel coordinates of renderPage at the same scale. */
  textBoxes(pageNumber: number, scale: number): Promise<TextBox[]>;
  destroy(): Promise<void>;
}

/** The page being detected and the next one, rendered while the detector runs (pipelining). */
const MAX_LIVE_PAGES = 2;

/**
 * When a document read from a file is opened again (see `maybeReopen`): after pdf.js has read this many bytes of
 * it, or rendered this many pages since it opened it.
 */
const REOPEN_AFTER_BYTES = 24 * 2 ** 20;
export const REOPEN_AFTER_PAGES = 50;

/**
 * An image may keep this many times the page raster's pixels (see image-budget.ts): a full-page image at up to
 * ~1.4 x the raster's resolution in each direction, enough for any image that is not clipped to a small part.
 */
const IMAGE_PIXELS_PER_PAGE_PIXEL = 2;

export interface Reopenable {
  file: FileSource;
  reopen: () => Promise<PDFDocumentProxy>;
}

export class PdfjsDocument implements PdfDocument {
  private live: CanvasPage[] = [];
  readonly numPages: number;
  private rendering = 0;
  private pagesSinceOpen = 0;
  private bytesAtOpen = 0;
  /** A re-open in progress: every render and text read waits for it, so none starts on the document it closes. */
  private reopening: Promise<void> | undefined;

  constructor(
    private doc: PDFDocumentProxy,
    private readonly createCanvas: (width: number, height: number) => Canvas,
    private readonly source?: Reopenable,
  ) {
    this.numPages = doc.numPages;
  }

  /**
   * pdf.js keeps what it has parsed for as long as a document is open: every chunk of the file it read, every
   * page's dictionary and resources, the fonts, the xref's objects. Over a long document that grows with the pages
   * rendered, whatever `page.cleanup()` frees (docs/memory.md). A document read from a file is therefore closed
   * and opened again, between two renders, once pdf.js has read REOPEN_AFTER_BYTES or rendered REOPEN_AFTER_PAGES
   * pages since it opened it: its memory then depends on the pages of one stretch, not on the document's length.
   */
  private async maybeReopen(): Promise<void> {
    if (!this.source || this.rendering > 0) return;
    const read = this.source.file.bytesRead - this.bytesAtOpen;
    if (read < REOPEN_AFTER_BYTES && this.pagesSinceOpen < REOPEN_AFTER_PAGES) return;
    const old = this.doc;
    this.bytesAtOpen = this.source.file.bytesRead;
    this.pagesSinceOpen = 0;
    this.doc = await this.source.reopen();
    this.bytesAtOpen = this.source.file.bytesRead;
    await old.destroy(); // pages still live (their canvases) need nothing from it but cleanup(), which is then a no-op
  }

  /** A canvas for an image's pixels (see canvas-factory.ts: drawn with drawImage, never as a picture). */
  private readonly rasterCanvas = (width: number, height: number): Canvas => {
    const canvas = this.createCanvas(width, height);
    markRaster(canvas);
    return canvas;
  };

  async renderPage(pageNumber: number, limits: RenderLimits): Promise<RenderedPage> {
    this.live = this.live.filter((p) => !p.released);
    while (this.live.length >= MAX_LIVE_PAGES) this.live.shift()?.release(); // bounded memory, whatever the caller does
    // One re-open at a time, and every caller waits for it: a render started while `this.doc` was still the old
    // document would be cancelled by its destroy() ("Rendering cancelled"), failing the page.
    this.reopening ??= this.maybeReopen().finally(() => (this.reopening = undefined));
    await this.reopening;
    this.rendering++;
    this.pagesSinceOpen++;
    try {
      return await this.render(pageNumber, limits);
    } finally {
      this.rendering--;
    }
  }

  private async render(pageNumber: number, limits: RenderLimits): Promise<RenderedPage> {
    const page = await this.page(pageNumber);
    try {
      const unscaled = page.getViewport({ scale: 1 }); // already rotated by /Rotate
      const scale = renderScale(unscaled.width, unscaled.height, limits);
      const viewport = page.getViewport({ scale });
      const { width, height } = pixelSize(unscaled.width, unscaled.height, scale);
      setImagePixelBudget(page.objs, Math.max(width * height * IMAGE_PIXELS_PER_PAGE_PIXEL, 2 ** 20), this.rasterCanvas);
      const { canvas, context } = boundedCanvas(this.createCanvas, width, height);
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, width, height);
      try {
        // napi-rs canvas types are not the DOM's; pdf.js only needs the 2D context API, which it implements.
        await page.render({ canvas: canvas as unknown as RenderCanvas, viewport }).promise;
      } catch (error) {
        freeCanvas(canvas);
        throw error;
      }
      const rendered = new CanvasPage(page, canvas, pageNumber, scale, viewport.rotation, invertAffine(viewport.transform));
      this.live.push(rendered);
      return rendered;
    } catch (error) {
      page.cleanup();
      throw error;
    }
  }

  async textBoxes(pageNumber: number, scale: number): Promise<TextBox[]> {
    await this.reopening;
    this.rendering++; // a re-open waits for this read as for a render
    try {
      const page = await this.page(pageNumber);
      const viewport = page.getViewport({ scale });
      const { width, height } = pixelSize(viewport.width / scale, viewport.height / scale, scale);
      const content = await page.getTextContent();
      return textItemBoxes(content, viewport.transform, { width, height });
    } finally {
      this.rendering--;
    }
  }

  async destroy(): Promise<void> {
    for (const page of this.live) page.release();
    this.live = [];
    try {
      await this.doc.destroy();
    } finally {
      await this.source?.file.close();
    }
  }

  private async page(pageNumber: number): Promise<PDFPageProxy> {
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > this.doc.numPages) {
      throw new RangeError(`page ${pageNumber} is outside 1..${this.doc.numPages}`);
    }
    try {
      return await this.doc.getPage(pageNumber);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new PermanentFailure("pdf_corrupt", `pdf.js could not read page ${pageNumber}: ${detail}`, { cause: error });
    }
  }
}
