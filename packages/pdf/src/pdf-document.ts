import { PermanentFailure } from "@pagewise/core";
import type { PDFDocumentProxy, PDFPageProxy } from "pdfjs-dist/legacy/build/pdf.mjs";
import { invertAffine } from "./affine";
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
export const MAX_LIVE_PAGES = 2;

export class PdfjsDocument implements PdfDocument {
  private live: CanvasPage[] = [];

  constructor(private readonly doc: PDFDocumentProxy) {}

  get numPages(): number {
    return this.doc.numPages;
  }

  async renderPage(pageNumber: number, limits: RenderLimits): Promise<RenderedPage> {
    this.live = this.live.filter((p) => !p.released);
    while (this.live.length >= MAX_LIVE_PAGES) this.live.shift()?.release(); // bounded memory, whatever the caller does
    const page = await this.page(pageNumber);
    try {
      const unscaled = page.getViewport({ scale: 1 }); // already rotated by /Rotate
      const scale = renderScale(unscaled.width, unscaled.height, limits);
      const viewport = page.getViewport({ scale });
      const { width, height } = pixelSize(unscaled.width, unscaled.height, scale);
      const { createCanvas } = await import("@napi-rs/canvas");
      const canvas = createCanvas(width, height);
      const context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, width, height);
      try {
        // napi-rs canvas types are not the DOM's; pdf.js only needs the 2D context API, which it implements.
        await page.render({ canvas: canvas as unknown as RenderCanvas, viewport }).promise;
      } catch (error) {
        freeCanvas(canvas);
        throw error;
      }
      const rendered = new CanvasPage(page, canvas, {
        number: pageNumber,
        scale,
        rotation: viewport.rotation,
        pdfTransform: invertAffine(viewport.transform),
      });
      this.live.push(rendered);
      return rendered;
    } catch (error) {
      page.cleanup();
      throw error;
    }
  }

  async textBoxes(pageNumber: number, scale: number): Promise<TextBox[]> {
    const page = await this.page(pageNumber);
    const viewport = page.getViewport({ scale });
    const { width, height } = pixelSize(viewport.width / scale, viewport.height / scale, scale);
    const content = await page.getTextContent();
    return textItemBoxes(content, viewport.transform, { width, height });
  }

  async destroy(): Promise<void> {
    for (const page of this.live) page.release();
    this.live = [];
    await this.doc.destroy();
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
